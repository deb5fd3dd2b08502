// Opens the `parkplan serve` page in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and tries a rule change as a planner would: the investment-intensity
// threshold set to 250 updates the counts and lists AP-032 (conditional -> admitted on the
// bundled scenario); a bad value shows the rule loader's error next to its field; no console
// errors and no request beyond the server on 127.0.0.1.
//
//   node tests/browser/serve.mjs URL SHOTS_DIR
//
// Prints one "ok: ..." line per check and exits 1 on the first failure. tests/browser.rs runs it.
import { check, launch, watchedPage } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [url, shots] = process.argv.slice(2);
if (!url || !shots) {
  console.error('usage: node serve.mjs URL SHOTS_DIR');
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

const browser = await launch();
let failed = false;
try {
  const { page, errors, requests } = await watchedPage(browser, (u) => u.startsWith(url));
  await page.route('**/*', (route) => {
    const u = route.request().url();
    return u.startsWith(url) || u.startsWith('data:') ? route.continue() : route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: path.join(shots, 'serve-start.png'), fullPage: true });
  const cell = (d, col) => page.locator(`#counts tr[data-decision="${d}"] td`).nth(col).textContent();
  const admitBefore = Number(await cell('admit', 1));
  const condBefore = Number(await cell('conditional', 1));
  check(admitBefore > 0 && condBefore > 0, `the base counts are shown (${admitBefore} admitted, ${condBefore} conditional)`);

  // 1. The threshold to 250: the counts and the flipped applicant update.
  const input = page.locator('input[name="criterion.investment_intensity"]');
  check((await input.inputValue()) === '300', 'the investment-intensity threshold shows 300');
  await input.fill('250');
  const row = page.locator('#flips tr[data-id="AP-032"]');
  await row.waitFor({ timeout: 30000 });
  const cells = await row.locator('td').allTextContents();
  check(cells[2] === '有条件准入' && cells[3] === '准入', `AP-032 flips conditional -> admitted (${cells.join(' | ')})`);
  check(cells[4].includes('investment_intensity'), 'the criterion that moved is named');
  check(Number(await cell('admit', 2)) === admitBefore + 1 && Number(await cell('conditional', 2)) === condBefore - 1,
    'the counts after: one more admitted, one fewer conditional');
  check(await page.locator('#map svg').count() === 1, 'the difference map is drawn');
  await page.screenshot({ path: path.join(shots, 'serve-250.png'), fullPage: true });

  // 2. A bad value: the loader's located error next to the field.
  await input.fill('25o');
  const err = page.locator('.field[data-field="criterion.investment_intensity"] .err');
  await page.waitForFunction(() => {
    const e = document.querySelector('.field[data-field="criterion.investment_intensity"] .err');
    return e && e.textContent.length > 0;
  }, null, { timeout: 30000 });
  const message = await err.textContent();
  check(message.includes('line ') && message.includes('25o'), `the error is shown next to the field: ${message.split('\n')[0]}`);
  check(await input.evaluate((e) => e.classList.contains('bad')), 'the field is marked');
  await page.screenshot({ path: path.join(shots, 'serve-error.png'), fullPage: true });

  // 3. Back to 250: the error goes away.
  await input.fill('250');
  await page.waitForFunction(() => {
    const e = document.querySelector('.field[data-field="criterion.investment_intensity"] .err');
    return e && e.textContent === '';
  }, null, { timeout: 30000 });
  await row.waitFor({ timeout: 30000 });
  check((await err.textContent()) === '', 'a good value clears the error');

  const wb = page.locator('#write');
  check(await wb.isDisabled(), 'without --out the write button is disabled');
  check(errors.length === 0, 'no console errors' + (errors.length ? ': ' + errors.join('; ') : ''));
  check(requests.length === 0, 'no network request beyond the server' + (requests.length ? ': ' + requests.join(' ') : ''));
} catch (e) {
  console.log(String(e.message || e));
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
