// The page's planning tool against the command line, in Debian's Chromium
// (headless): window.maillage.simuler on seeded random changes agrees with
// `maillage scenario --changements` on the same changes (young people within
// the main threshold, mean and 9th decile, before and after, for the page's
// perimeter); then clicks on the map open and close sites, the figures shown
// and the communes listed are compared with the command line's, the scenario
// is exported through the page's button and run through the command line
// with the same result. No request to any other address, no console error.
//
// Usage: node planner.mjs PAGE.html MAILLAGE WORKDIR SHOT.png CHANGES [ARGS…]
//   MAILLAGE  the built binary; WORKDIR  where the scenarios are written;
//   CHANGES   how many random changes; ARGS  the data options of the run
//   that wrote the page (--communes …, --reseau … --mode velo), given to
//   `maillage scenario` as they are.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const [pagePath, bin, work, shotPath, nChanges, ...dataArgs] = process.argv.slice(2);
mkdirSync(work, { recursive: true });
const problems = [];
const fail = (m) => { problems.push(m); console.error('ÉCHEC : ' + m); };

// A seeded generator (mulberry32): the same changes on every run.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseCsv(text) {
  const lines = text.replace(/^\ufeff/, '').trim().split(/\r?\n/);
  const split = (l) => {
    const out = []; let cur = '', q = false;
    for (let k = 0; k < l.length; k++) {
      const c = l[k];
      if (q) { if (c === '"' && l[k + 1] === '"') { cur += '"'; k++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true; else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur); return out;
  };
  const head = split(lines[0]);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, k) => [head[k], v])));
}

let runs = 0;
// Runs `maillage scenario` on a changes file; returns its two tables.
function scenario(file, unit, thresholds) {
  const out = join(work, `s${runs++}`);
  const th = thresholds.join(',');
  const args = ['scenario', '--changements', file, '--csv', 'rfc4180', '--out', out, '--quiet',
    unit === 'km' ? '--rayons-km' : '--seuils-min', th, ...dataArgs];
  try {
    execFileSync(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`maillage ${args.join(' ')}: ${e.stderr}`);
  }
  return {
    indicateurs: parseCsv(readFileSync(join(out, 'scenario_indicateurs.csv'), 'utf8')),
    communes: parseCsv(readFileSync(join(out, 'scenario_communes.csv'), 'utf8')),
  };
}

const num = (s) => (s === '' || s === undefined ? null : Number(s));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') fail(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    fail(`request to ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(pagePath).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-simulation-prete="oui"]', { timeout: 30000 });
  const D = await page.evaluate(() => JSON.parse(document.getElementById('donnees-simulation').textContent));
  const unit = D.unite;
  const level = D.perimetre.communes === null ? null : 'departement';
  const thresholds = D.seuils.map((t) => t.affiche);
  const mainName = `jeunes_a_moins_de_${D.principal.affiche}_${unit}`;
  const meanName = unit === 'km' ? 'distance_moyenne_jeunes_km' : 'temps_moyen_jeunes_min';
  const p90Name = unit === 'km' ? 'distance_p90_jeunes_km' : 'temps_p90_jeunes_min';
  const S = D.sites;
  const ids = D.points.id;
  const candidates = ids.map((id, p) => p).filter((p) => p >= S);
  const sites = ids.map((id, p) => p).filter((p) => p < S);

  const writeChanges = (name, ouvrir, fermer) => {
    const lines = ['action;id'];
    ouvrir.forEach((p) => lines.push(`ouvrir;${ids[p]}`));
    fermer.forEach((p) => lines.push(`fermer;${ids[p]}`));
    const f = join(work, name);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const regionLevel = (ind) => {
    // The perimeter's row: the first scope of the table (the region), or
    // the département the page is about.
    const lv = ind[0].perimetre;
    return level || lv;
  };
  const compare = (what, got, cli) => {
    const lv = regionLevel(cli.indicateurs);
    const r = (n) => cli.indicateurs.find((x) => x.perimetre === lv && x.indicateur === n);
    const pairs = [
      ['jeunes_couverts_avant', got.jeunes_couverts_avant, num(r(mainName).avant)],
      ['jeunes_couverts_apres', got.jeunes_couverts_apres, num(r(mainName).apres)],
      ['moyenne_avant', got.moyenne_avant, num(r(meanName).avant)],
      ['p90_avant', got.p90_avant, num(r(p90Name).avant)],
    ];
    // Communes beyond reach without young people weigh nothing in the means.
    if (got.hors_portee.jeunes === 0) {
      pairs.push(['moyenne_apres', got.moyenne_apres, num(r(meanName).apres)]);
      pairs.push(['p90_apres', got.p90_apres, num(r(p90Name).apres)]);
    } else if (got.moyenne_apres !== null || got.p90_apres !== null) {
      fail(`${what}: a mean or a decile with communes beyond reach`);
    }
    if (got.moyenne_exacte === false) console.log(`${what}: the page says its mean's last digit is uncertain`);
    for (const [name, a, b] of pairs) {
      if (name === 'moyenne_apres' && got.moyenne_exacte === false) {
        if (Math.abs(a - b) > 0.0011) fail(`${what}: ${name} page ${a} CLI ${b}`);
      } else if (a !== b) fail(`${what}: ${name} page ${a} CLI ${b}`);
    }
  };

  // 1. simuler on seeded random changes.
  const rand = rng(20261207);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const screenBefore = await page.locator('#sim-cartes').innerText();
  let beyond = 0;
  for (let k = 0; k < Number(nChanges); k++) {
    const ouvrir = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(candidates)))];
    const fermer = [...new Set(Array.from({ length: Math.floor(rand() * 4) }, () => pick(sites)))];
    const got = await page.evaluate(([o, f]) => window.maillage.simuler({ ouvrir: o, fermer: f }),
      [ouvrir.map((p) => ids[p]), fermer.map((p) => ids[p])]);
    const cli = scenario(writeChanges(`c${k}.csv`, ouvrir, fermer), unit, thresholds);
    compare(`changement ${k} (+${ouvrir.map((p) => ids[p])} −${fermer.map((p) => ids[p])})`, got, cli);
    if (got.hors_portee.communes > 0) beyond++;
  }
  // simuler changes nothing on the screen.
  if ((await page.locator('#sim-cartes').innerText()) !== screenBefore) fail('simuler changed the screen');
  if ((await page.evaluate(() => document.body.dataset.simulation)) !== '0') fail('simuler recorded a change');
  // Town halls by INSEE code, and errors.
  const byCode = await page.evaluate((c) => window.maillage.simuler({ ouvrir: [c] }), D.communes.code[0]);
  const byId = await page.evaluate((c) => window.maillage.simuler({ ouvrir: ['mairie-' + c] }), D.communes.code[0]);
  if (JSON.stringify(byCode) !== JSON.stringify(byId)) fail('opening by INSEE code is not opening at the town hall');
  const err = await page.evaluate(() => { try { window.maillage.simuler({ fermer: ['NOPE'] }); return null; } catch (e) { return e.message; } });
  if (!err || !err.includes('NOPE')) fail(`an unknown site gives no error: ${err}`);

  // 2. Closing every site within reach of one commune: beyond the largest
  // threshold, the mean is unknown and the page says so.
  const lonely = await page.evaluate(() => {
    const D = JSON.parse(document.getElementById('donnees-simulation').textContent);
    // The commune with the fewest sites within reach (and some young people).
    let best = -1, near = null;
    for (let i = 0; i < D.communes.jeunes.length; i++) {
      if (!(D.communes.jeunes[i] > 0 && D.communes.dedans[i] === 0 && D.communes.avant[i] !== null)) continue;
      const s = window.maillage.points_proches(i);
      if (s.length > 0 && (best < 0 || s.length < near.length)) { best = i; near = s; }
    }
    return { commune: D.communes.code[best], fermer: near };
  });
  const far = await page.evaluate((f) => window.maillage.simuler({ fermer: f }), lonely.fermer);
  if (far.hors_portee.communes < 1 || far.moyenne_apres !== null) {
    fail(`closing the ${lonely.fermer.length} sites near ${lonely.commune}: ${JSON.stringify(far)}`);
  } else {
    const cli = scenario(writeChanges('loin.csv', [], lonely.fermer.map((id) => ids.indexOf(id))), unit, thresholds);
    // Coverage is still exact.
    const lv = regionLevel(cli.indicateurs);
    const r = cli.indicateurs.find((x) => x.perimetre === lv && x.indicateur === mainName);
    if (far.jeunes_couverts_apres !== num(r.apres)) fail(`beyond reach: covered ${far.jeunes_couverts_apres} vs ${r.apres}`);
  }

  // 3. Clicks on the map: open a permanence in a commune, close a site.
  await page.locator('#map-wrap').scrollIntoViewIfNeeded();
  const visible = async (selector) => page.evaluate((sel) => {
    const e = document.querySelector(sel);
    const r = e.getBoundingClientRect();
    for (let k = 0; k < 400; k++) {
      const x = r.left + r.width * ((k * 37) % 100) / 100, y = r.top + r.height * ((k * 61) % 100) / 100;
      if (document.elementFromPoint(x, y) === e) return { x, y };
    }
    return null;
  }, selector);
  // The commune without a site with the most young people, drawn large enough.
  const target = await page.evaluate(() => {
    const D = JSON.parse(document.getElementById('donnees-simulation').textContent);
    let best = -1, area = 0;
    for (const p of document.querySelectorAll('#communes path')) {
      const i = +p.dataset.i, r = p.getBoundingClientRect();
      if (D.communes.dedans[i] === 0 && r.width * r.height > area) { area = r.width * r.height; best = i; }
    }
    return best;
  });
  const at = await visible(`#communes path[data-i="${target}"]`);
  if (!at) fail('no visible point of the commune to click');
  else {
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#sim-menu button');
    const first = page.locator('#sim-menu button').first();
    const label = await first.innerText();
    if (!label.includes('Mairie')) fail(`the commune's menu starts with "${label}"`);
    await first.click();
  }
  // Close the site with the most young people around: the first visible one.
  const site = await page.evaluate(() => {
    for (const c of document.querySelectorAll('#sites circle.siege')) {
      const r = c.getBoundingClientRect();
      const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (e === c) return { s: +c.dataset.s, x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return null;
  });
  if (!site) fail('no visible site to click');
  else await page.mouse.click(site.x, site.y);
  const shown = await page.evaluate(() => ({
    n: document.body.dataset.simulation,
    cards: [...document.querySelectorAll('#sim-cartes .carte b')].map((b) => b.firstChild.textContent),
    listed: window.maillage.communes_changees(),
    rows: document.querySelectorAll('#sim-perimetres tbody tr').length,
  }));
  if (shown.n !== '2') fail(`2 changes expected after two clicks, the page has ${shown.n}`);
  await page.screenshot({ path: shotPath, fullPage: false });
  await page.locator('#simulation').screenshot({ path: shotPath.replace(/\.png$/, '_panneau.png') });

  // 4. Export through the button, run it through the command line.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sim-exporter')]);
  const exported = join(work, 'exporte.csv');
  await download.saveAs(exported);
  const text = readFileSync(exported, 'utf8');
  if (!text.startsWith('\ufeffaction;id;code_insee;type;nom')) fail(`exported file starts with ${JSON.stringify(text.slice(0, 40))}`);
  const cli = scenario(exported, unit, thresholds);
  const lv = regionLevel(cli.indicateurs);
  const frText = (s) => s.replace(/\u00a0/g, '').replace(',', '.').replace('−', '-');
  D.seuils.forEach((t, k) => {
    const r = cli.indicateurs.find((x) => x.perimetre === lv && x.indicateur === `jeunes_a_moins_de_${t.affiche}_${unit}`);
    if (!r) { fail(`no CLI row for ${t.affiche} ${unit}`); return; }
    if (Number(frText(shown.cards[k])) !== num(r.apres)) fail(`card ${k}: page ${shown.cards[k]} CLI ${r.apres}`);
  });
  const meanShown = frText(shown.cards[D.seuils.length].split('\u00a0')[0]);
  const rm = cli.indicateurs.find((x) => x.perimetre === lv && x.indicateur === meanName);
  const beyondShown = shown.listed.filter((c) => c.apres === '>').length;
  if (beyondShown === 0) {
    if (Number(meanShown) !== num(rm.apres)) fail(`mean shown ${meanShown} CLI ${rm.apres}`);
  } else if (meanShown !== '–') fail(`a mean shown (${meanShown}) with ${beyondShown} communes beyond reach`);
  // The communes listed: every one as the CLI has it (3 decimals), and
  // every commune whose cost the CLI changes is listed.
  const cliRows = new Map(cli.communes.map((r) => [r.code_insee, r]));
  for (const c of shown.listed) {
    const r = cliRows.get(c.code_insee);
    if (!r) { fail(`page lists ${c.code_insee}, the CLI does not`); continue; }
    if (c.avant !== r.distance_avant_km && c.avant !== r.temps_avant_min) fail(`${c.code_insee} before: page ${c.avant} CLI ${r.distance_avant_km ?? r.temps_avant_min}`);
    const after = r.distance_apres_km ?? r.temps_apres_min;
    if (c.apres !== after && !(c.apres === '>' && after !== '' && Number(after) > D.portee.affiche)) fail(`${c.code_insee} after: page ${c.apres} CLI ${after}`);
  }
  const listedCodes = new Set(shown.listed.map((c) => c.code_insee));
  for (const r of cli.communes) {
    const a = r.distance_avant_km ?? r.temps_avant_min, b = r.distance_apres_km ?? r.temps_apres_min;
    if (a !== b && !listedCodes.has(r.code_insee)) fail(`the CLI changes ${r.code_insee} (${a} → ${b}), the page does not list it`);
  }
  // Undo and reset.
  await page.click('#sim-changements button');
  if ((await page.evaluate(() => document.body.dataset.simulation)) !== '1') fail('Annuler does not undo a change');
  await page.click('#sim-reinitialiser');
  if ((await page.evaluate(() => document.body.dataset.simulation)) !== '0') fail('Réinitialiser does not clear the changes');
  // From the keyboard: search a commune, open at its town hall.
  const name = D.communes.nom[target];
  await page.fill('#sim-recherche', name);
  await page.waitForSelector('#sim-resultats button');
  await page.locator('#sim-resultats button').first().focus();
  await page.keyboard.press('Enter');
  if ((await page.evaluate(() => document.body.dataset.simulation)) !== '1') fail('the search box opens nothing');
  console.log(`planificateur : ${nChanges} changements aléatoires comparés à maillage scenario (${beyond} avec des communes au-delà de ${D.portee.affiche} ${unit}), ` +
    `clics, export et recherche vérifiés ; ${shown.listed.length} communes changent après les clics, ${shown.rows} périmètres`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`${problems.length} problème(s)`);
  process.exit(1);
}
