// synthese.html on paper: printed by Chromium (headless) with the page's own
// print stylesheet, checked on the PDF itself. See ../print-test.
// Usage: node print.mjs PAGE.html MAX_PAGES OUT.pdf
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [pagePath, maxPages, pdfPath] = process.argv.slice(2);
const errors = [];
const fail = (m) => errors.push(m);
// Text as the PDF gives it back: ligatures unfolded, no-break spaces and
// line breaks as plain spaces, hyphenation ignored.
const plain = (s) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
let headings, warning, pages;
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') fail(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => fail(`page error: ${e.message}`));
  await page.goto(pathToFileURL(pagePath).href, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  // The headings the printed page shows, and the stand-in warning.
  [headings, warning] = await page.evaluate(() => {
    const shown = (e) => e.getClientRects().length > 0;
    const hs = [...document.querySelectorAll('h1, h2, h3')].filter(shown).map((e) => e.textContent);
    const w = document.querySelector('.warn');
    return [hs, w && shown(w) ? w.textContent : null];
  });
  const onItsPage = await page.evaluate(() => {
    const e = document.getElementById('carte-page');
    if (!e) return 'no #carte-page';
    const s = getComputedStyle(e);
    return s.breakBefore === 'page' && s.breakAfter === 'page' ? null : `break-before ${s.breakBefore}, break-after ${s.breakAfter}`;
  });
  if (onItsPage) fail(`the map is not on its own page: ${onItsPage}`);
  await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true });
} finally {
  await browser.close();
}
const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
pages = Number(/^Pages:\s+(\d+)/m.exec(info)[1]);
const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
// A4 portrait: 595 × 842 points.
if (!size || Math.abs(size[1] - 595.3) > 2 || Math.abs(size[2] - 841.9) > 2) fail(`not A4 portrait: ${size && size[0]}`);
if (pages > Number(maxPages)) fail(`${pages} pages, more than ${maxPages}`);
const text = plain(execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }));
const squeeze = (s) => plain(s).replace(/[\s\u00ad-]/g, '');
const flat = squeeze(text);
for (const h of headings) if (!flat.includes(squeeze(h))) fail(`heading missing from the PDF: « ${plain(h)} »`);
if (warning && !flat.includes(squeeze(warning).slice(0, 60))) fail('the stand-in warning is missing from the PDF');
if (headings.length < 5) fail(`only ${headings.length} headings shown in print`);
if (errors.length) {
  for (const e of errors) console.error(`print-test: ${e}`);
  process.exit(1);
}
console.log(`impression : ${pages} pages A4 (au plus ${maxPages}), ${headings.length} titres tous présents dans le PDF${warning ? ', bandeau des substituts compris' : ''} ; ${pdfPath}`);
