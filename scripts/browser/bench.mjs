// Times the page's planning tool in Debian's Chromium (headless): 50 seeded
// random changes (open a candidate point or close a site, as a click does),
// each from the change to the next painted frame; prints the median and the
// worst, and the page's size. Usage: node bench.mjs PAGE.html [CHANGES]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { statSync } from 'node:fs';

const [pagePath, n = '50'] = process.argv.slice(2);
let seed = 20261207;
const rand = () => {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const t0 = Date.now();
  await page.goto(pathToFileURL(pagePath).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-simulation-prete="oui"]', { timeout: 60000 });
  const load = Date.now() - t0;
  await page.locator('#map-wrap').scrollIntoViewIfNeeded();
  const ids = await page.evaluate(() => JSON.parse(document.getElementById('donnees-simulation').textContent).points.id);
  const times = [], script = [];
  for (let k = 0; k < Number(n); k++) {
    const id = ids[Math.floor(rand() * ids.length)];
    times.push(await page.evaluate((id) => new Promise((done) => {
      const t = performance.now();
      window.maillage.basculer(id);
      // The frame after the change is painted.
      requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
    }), id));
    script.push(await page.evaluate(() => window.maillage.dernier_ms));
  }
  script.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const mb = statSync(pagePath).size / 1e6;
  console.log(`page : ${mb.toFixed(2)} Mo ; ouverte et décodée en ${load} ms ; ${times.length} changements : ` +
    `médiane ${median.toFixed(1)} ms, pire ${times[times.length - 1].toFixed(1)} ms (jusqu'à l'image suivante) ; ` +
    `script seul : médiane ${script[Math.floor(script.length / 2)].toFixed(1)} ms, pire ${script[script.length - 1].toFixed(1)} ms`);
} finally {
  await browser.close();
}
