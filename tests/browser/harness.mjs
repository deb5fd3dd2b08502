// What the browser tests share: a check that prints "ok: ..." or throws, Debian's Chromium
// launched headless for the closed network, and a page watched for console errors and for
// requests other than the ones `allowed` lets through.
import { chromium } from 'playwright-core';

export function check(cond, what) {
  if (!cond) throw new Error('FAILED: ' + what);
  console.log('ok: ' + what);
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.PARKPLAN_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A new page whose console errors and other requests are collected: `{ page, errors, requests }`.
export async function watchedPage(browser, allowed) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = r.url();
    if (!allowed(u) && !u.startsWith('data:')) requests.push(u);
  });
  return { page, errors, requests };
}
