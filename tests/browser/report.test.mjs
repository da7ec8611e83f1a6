// The continuity report in a real browser (Debian's Chromium, driven by
// playwright-core): every section renders, the sortable tables sort, the
// page reads without JavaScript, and a screenshot is kept for a person to
// look at (target/browser/report.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(repo, 'target', 'browser');
const report = join(out, 'report.html');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;

before(async () => {
  mkdirSync(out, { recursive: true });
  const bin = join(repo, 'target', 'release', 'linchpin');
  if (!existsSync(bin)) execFileSync('cargo', ['build', '--release', '-q', '-p', 'linchpin'], { cwd: repo, stdio: 'inherit' });
  execFileSync(bin, ['report', join(repo, 'examples', 'webshop'), '-o', report, '--today', '2026-11-26']);
  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { if (browser) await browser.close(); });

test('every section renders, and a screenshot is kept', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(report).href);
  const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent.trim()));
  assert.deepEqual(headings, [
    'Summary', 'Suppliers, most critical first', 'Impact matrix', 'Concentration', 'Scenarios',
    'Continuity risk in money', 'Readiness per supplier', 'The next 12 months', 'Actions by team', 'Reach of the linchpins', 'Playbooks',
  ]);
  assert.equal(await page.locator('#reach svg').count(), 4, 'one picture per linchpin');
  assert.ok(await page.locator('#matrix td.c-down').count() > 10);
  // The loss-exceedance curve is drawn, with a visible line, and its
  // section's sortable tables sort like the others.
  const curve = page.locator('#risk svg.loss-curve polyline');
  assert.equal(await curve.count(), 1);
  const box = await curve.boundingBox();
  assert.ok(box && box.width > 300 && box.height > 100, JSON.stringify(box));
  assert.equal(await page.locator('#risk h3', { hasText: 'The actions that buy the most safety' }).count(), 1);
  await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('the supplier table sorts when a heading is clicked', async () => {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(report).href);
  const scores = () => page.$$eval('#ranking tbody tr', (rows) => rows.map((r) => parseFloat(r.cells[4].textContent)));
  const before = await scores();
  assert.deepEqual(before, [...before].sort((a, b) => b - a), 'rank order: highest score first within tiers');
  const score = page.locator('#ranking th', { hasText: 'Score' });
  await score.click();
  const ascending = await scores();
  assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
  assert.equal(await score.getAttribute('aria-sort'), 'ascending');
  await score.click();
  const descending = await scores();
  assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
  // Keyboard too.
  const supplier = page.locator('#ranking th', { hasText: 'Supplier' });
  await supplier.focus();
  await page.keyboard.press('Enter');
  const names = await page.$$eval('#ranking tbody tr', (rows) => rows.map((r) => r.cells[2].textContent.trim().toLowerCase()));
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
});

test('the report reads without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(pathToFileURL(report).href);
  assert.equal(await page.locator('#ranking tbody tr').count(), 25);
  const first = await page.locator('#ranking tbody tr').first().textContent();
  assert.match(first, /Amazon Web Services/);
  await context.close();
});
