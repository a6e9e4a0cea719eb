// Opens synthese.html in Debian's Chromium (headless) and fails on any
// console error, page error or request to anything but file: or data:;
// checks that the map drew every commune, that hovering a commune shows its
// name, that the wheel zooms, and that the screenshot of the map is not blank.
// Usage: node check.mjs PAGE.html SCREENSHOT.png MIN_COMMUNES
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';

const [page_path, shot_path, min_communes] = process.argv.slice(2);
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    problems.push(`request to ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(page_path).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-carte="prete"]', { timeout: 10000 });

  const counts = await page.evaluate(() => ({
    paths: document.querySelectorAll('#communes path').length,
    data: JSON.parse(document.getElementById('donnees-communes').textContent).length,
    sites: document.querySelectorAll('#sites circle').length,
  }));
  if (counts.paths !== counts.data) problems.push(`${counts.paths} paths for ${counts.data} communes`);
  if (counts.paths < Number(min_communes)) problems.push(`only ${counts.paths} communes drawn`);

  await page.locator('#map-wrap').scrollIntoViewIfNeeded();
  // Hover the largest commune path on screen: the tooltip names it.
  const target = await page.evaluate(() => {
    let best = null;
    for (const p of document.querySelectorAll('#communes path')) {
      const r = p.getBoundingClientRect();
      if (!best || r.width * r.height > best.a) best = { a: r.width * r.height, i: +p.dataset.i };
    }
    const data = JSON.parse(document.getElementById('donnees-communes').textContent);
    return { i: best.i, nom: data[best.i][0] };
  });
  const box = await page.locator(`#communes path[data-i="${target.i}"]`).boundingBox();
  // The centre of the box may fall in a neighbour: find a point of the path.
  const point = await page.evaluate((i) => {
    const p = document.querySelector(`#communes path[data-i="${i}"]`);
    const r = p.getBoundingClientRect();
    for (let k = 0; k < 400; k++) {
      const x = r.left + r.width * ((k * 37) % 100) / 100;
      const y = r.top + r.height * ((k * 61) % 100) / 100;
      if (document.elementFromPoint(x, y) === p) return { x, y };
    }
    return null;
  }, target.i);
  if (!box || !point) problems.push('no visible point of the largest commune');
  else {
    await page.mouse.move(point.x, point.y);
    const tip = await page.locator('#tip');
    if (!(await tip.isVisible())) problems.push('no tooltip on hover');
    else {
      const text = await tip.textContent();
      if (!text.includes(target.nom)) problems.push(`tooltip "${text}" does not name ${target.nom}`);
      for (const label of ['Mission Locale', 'Classement', 'km', 'Jeunes']) {
        if (!text.includes(label)) problems.push(`tooltip lacks ${label}: "${text}"`);
      }
    }
  }

  // Zoom with the wheel and the buttons, pan by dragging: the viewBox changes.
  const vb = () => page.locator('#carte').getAttribute('viewBox');
  const before = await vb();
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(100);
  const zoomed = await vb();
  if (zoomed === before) problems.push('the wheel does not zoom');
  await page.mouse.down();
  await page.mouse.move(point ? point.x + 120 : 400, point ? point.y + 60 : 300);
  await page.mouse.up();
  if ((await vb()) === zoomed) problems.push('dragging does not pan');
  await page.click('#zoom-home');
  if ((await vb()) !== before) problems.push('the home button does not reset the view');
  await page.mouse.move(5, 5);

  // Screenshot of the map: not blank, the distance colours show.
  const shot = await page.locator('#map-wrap').screenshot();
  writeFileSync(shot_path, shot);
  const stats = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let white = 0, green = 0;
    for (let k = 0; k < d.length; k += 4) {
      colours.add((d[k] << 16) | (d[k + 1] << 8) | d[k + 2]);
      if (d[k] > 245 && d[k + 1] > 245 && d[k + 2] > 245) white++;
      if (Math.abs(d[k] - 0x1a) < 8 && Math.abs(d[k + 1] - 0x98) < 8 && Math.abs(d[k + 2] - 0x50) < 8) green++;
    }
    const n = d.length / 4;
    return { colours: colours.size, white: white / n, green: green / n, w: img.width, h: img.height };
  }, shot.toString('base64'));
  if (stats.colours < 50) problems.push(`screenshot has only ${stats.colours} colours`);
  if (stats.white > 0.8) problems.push(`screenshot is ${Math.round(stats.white * 100)} % white`);
  if (stats.green < 0.05) problems.push(`the 0–5 km colour covers only ${(stats.green * 100).toFixed(1)} % of the map`);
  console.log(`synthese.html: ${counts.paths} communes, ${counts.sites} sites drawn; tooltip names ${target.nom}; ` +
    `screenshot ${stats.w}×${stats.h}, ${stats.colours} colours, ${(stats.green * 100).toFixed(0)} % in the 0–5 km colour`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
