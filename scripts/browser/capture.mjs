// Screenshots of synthese.html for the documentation, in Debian's Chromium
// (headless): the top of the page (title, key figures, the start of the
// map), or, with a section id, that section from its heading; with a
// search word, the planning tool first opens a permanence at the first
// commune it finds under that name (its first button).
// Usage: node capture.mjs PAGE.html SHOT.png [SECTION_ID] [HEIGHT] [SEARCH]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [page_path, shot_path, section, height, search] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({
    viewport: { width: 1100, height: Number(height || 760) },
  });
  await page.goto(pathToFileURL(page_path).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-carte="prete"]', { timeout: 10000 });
  if (search) {
    await page.fill('#sim-recherche', search);
    await page.click('#sim-resultats button');
    await page.fill('#sim-recherche', '');
  }
  if (section) {
    await page.evaluate((id) => {
      const el = document.getElementById(id);
      if (!el) throw new Error(`no element #${id} in the page`);
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8);
    }, section);
  }
  await page.screenshot({ path: shot_path });
} finally {
  await browser.close();
}
