// Screenshots of synthese.html for the documentation, in Debian's Chromium
// (headless): the top of the page (title, key figures, the start of the
// map), or, with a section id, that section from its heading.
// Usage: node capture.mjs PAGE.html SHOT.png [SECTION_ID] [HEIGHT]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [page_path, shot_path, section, height] = process.argv.slice(2);
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
