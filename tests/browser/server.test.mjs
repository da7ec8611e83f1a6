// The team server end to end in a real browser (Debian's Chromium, driven
// by playwright-core): sign in with a token, open a supplier, run a what-if,
// create a request, upload evidence, and see the request overdue after the
// injected clock moves. Screenshots are kept in target/browser/server-*.png
// for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(repo, 'target', 'browser');
const bin = join(repo, 'target', 'release', 'linchpin');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'linchpin-e2e-'));
const database = `sqlite://${join(work, 'server.db')}`;
const clock = join(work, 'today');
let server;
let base;
let token;
let browser;

before(async () => {
  mkdirSync(out, { recursive: true });
  if (!existsSync(bin)) execFileSync('cargo', ['build', '--release', '-q', '-p', 'linchpin'], { cwd: repo, stdio: 'inherit' });
  token = execFileSync(bin, ['serve', '--create-token', 'e2e', '--role', 'editor', '--database', database]).toString().trim();
  writeFileSync(clock, '2026-11-26\n');
  server = spawn(bin, ['serve', join(repo, 'examples', 'webshop'), '--bind', '127.0.0.1:0', '--database', database, '--today-file', clock, '--poll', '1']);
  base = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/http:\/\/[\d.:]+\//);
      if (m) resolve(m[0].replace(/\/$/, ''));
    });
    server.stderr.on('data', (d) => process.stderr.write(d));
    server.on('exit', (code) => reject(new Error(`the server stopped (${code})`)));
    setTimeout(() => reject(new Error('the server did not start')), 30000);
  });
  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGINT');
  rmSync(work, { recursive: true, force: true });
});

test('sign in, supplier, what-if, request, evidence, overdue', async () => {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The Content-Security-Policy must let the pages' own script run and
  // block nothing they need.
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });

  // Everything asks for sign-in; a token opens it.
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/signin/);
  await page.fill('input[name=token]', token);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('h1:has-text("Overview")');
  assert.ok(await page.locator('text=e2e · editor').count());
  await page.screenshot({ path: join(out, 'server-overview.png'), fullPage: true });

  // The sort script runs under the CSP: a click on a column sorts it.
  await page.goto(`${base}/suppliers`);
  const header = page.locator('table.sortable th').first();
  await header.click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  await page.goto(`${base}/`);

  // A supplier's page, from the ranking.
  await page.click('header a:has-text("Suppliers")');
  await page.click('table a:has-text("Amazon Web Services")');
  await page.waitForSelector('h2:has-text("What it can stop")');
  assert.ok(await page.locator('svg').count() >= 1, 'the picture of its reach');
  await page.screenshot({ path: join(out, 'server-supplier.png'), fullPage: true });

  // A what-if, and its URL is shareable.
  await page.click('header a:has-text("What-if")');
  await page.fill('input[name=fail]', 'aws');
  await page.fill('input[name=duration]', '8h');
  await page.click('button:has-text("Simulate")');
  await page.waitForSelector('h2:has-text("Business functions")');
  assert.match(page.url(), /fail=aws/);
  assert.ok(await page.locator('td.down').count() > 0, 'something goes down');
  assert.ok(await page.locator('text=breach').count() > 0);
  await page.screenshot({ path: join(out, 'server-whatif.png'), fullPage: true });

  // A request to a supplier, from its page.
  await page.goto(`${base}/suppliers/stripe`);
  await page.click('a:has-text("New request to this supplier")');
  await page.selectOption('select[name=kind]', 'statement');
  await page.fill('input[name=due]', '2026-12-01');
  await page.click('button:has-text("Create")');
  await page.waitForSelector('h1:has-text("Request #")');
  assert.ok(await page.locator('td:has-text("open")').count());

  // Evidence: a PDF uploads; the page lists it.
  const pdf = join(work, 'stripe-bcp.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% a continuity statement\n');
  await page.setInputFiles('input[type=file]', pdf);
  await page.click('button:has-text("Upload")');
  await page.waitForSelector('a:has-text("stripe-bcp.pdf")');

  // Time passes: the request is overdue.
  writeFileSync(clock, '2026-12-10\n');
  await page.goto(`${base}/requests?view=due`);
  await page.waitForSelector('td.error:has-text("overdue")');
  await page.screenshot({ path: join(out, 'server-overdue.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('the pages read without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.fill('input[name=token]', token);
  await page.click('button:has-text("Sign in")');
  await page.goto(`${base}/whatif?fail=supplier%3Astripe`);
  assert.ok(await page.locator('h2:has-text("Business functions")').count());
  await context.close();
});
