// Opens a plan's report.html in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and checks what a reader does with it: click a parcel, sort a table, find
// an enterprise, click a row, zoom the map, filter a table; no console errors and no network
// request. Expected values come from the plan's own CSV files, not from the page.
//
//   node tests/browser/report.mjs PLAN_DIR SHOTS_DIR
//
// Prints one "ok: ..." line per check and exits 1 on the first failure. tests/browser.rs runs it.
import { check, launch, watchedPage } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [planDir, shots] = process.argv.slice(2);
if (!planDir || !shots) {
  console.error('usage: node report.mjs PLAN_DIR SHOTS_DIR');
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

function csv(file) {
  const [head, ...rows] = fs.readFileSync(path.join(planDir, file), 'utf8').trim().split('\n');
  const cols = head.split(',');
  // The bundled files' names have no commas or quotes; ids and numbers never do.
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v])));
}

const assignments = csv('assignments.csv');
const screen = csv('screen.csv');
const url = 'file://' + path.resolve(planDir, 'report.html');

const browser = await launch();
let failed = false;
try {
  const { page, errors, requests } = await watchedPage(browser, (u) => u === url);
  await page.route('**/*', (route) => {
    const u = route.request().url();
    return u === url || u.startsWith('data:') ? route.continue() : route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: path.join(shots, 'top.png') });

  // 1. Clicking a parcel shows the enterprise placed there (as assignments.csv says).
  const a = assignments[0];
  const park = page.locator('.map[data-map="park"]');
  await park.scrollIntoViewIfNeeded();
  const shape = park.locator(`.hits path[data-id="${a.parcel_id}"]`);
  const box = await shape.boundingBox();
  check(box && box.width > 2, `parcel ${a.parcel_id} has a clickable shape on the park map`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const tip = park.locator('.tip');
  await tip.waitFor({ state: 'visible' });
  const tipText = await tip.innerText();
  check(tipText.includes(a.parcel_id) && tipText.includes(a.enterprise_id),
    `clicking parcel ${a.parcel_id} shows ${a.enterprise_id}: ${tipText.replace(/\n/g, ' | ')}`);
  const name = (screen.find((r) => r.id === a.enterprise_id) || {}).name;
  if (name) check(tipText.includes(name), `the tooltip names ${name}`);
  await park.screenshot({ path: path.join(shots, 'parcel-click.png') });

  // An empty available parcel says why it is empty.
  const placedIds = new Set(assignments.map((r) => r.parcel_id));
  const emptyId = await page.evaluate((placed) => {
    const d = JSON.parse(document.getElementById('pp-data').textContent);
    return Object.keys(d.parcels).find((id) => !placed.includes(id) && d.parcels[id].why);
  }, [...placedIds]);
  check(emptyId, 'some parcel is empty');
  // A click on the map's margin lets the pinned tooltip go; then hover the empty parcel.
  // Element-relative, so Playwright scrolls the corner into view first (a page-relative
  // click there can fall outside the viewport once the parcel was scrolled to).
  await park.locator('svg').first().click({ position: { x: 5, y: 5 } });
  const closed = await tip.waitFor({ state: 'hidden', timeout: 5000 }).then(() => true, () => false);
  check(closed, 'a click beside the parcels closes the tooltip');
  const emptyShape = park.locator(`.hits path[data-id="${emptyId}"]`);
  await emptyShape.hover({ force: true });
  const whyText = await tip.innerText();
  check(whyText.includes(emptyId) && whyText.split('\n').length >= 5,
    `hovering empty parcel ${emptyId} says why: ${whyText.replace(/\n/g, ' | ')}`);

  // 2. Sorting a table by a number column reorders it, both ways.
  const table = page.locator('#screen table.data').nth(2); // admitted, by priority score
  const scoreHead = table.locator('thead th').nth(2);
  const scores = async () => (await table.locator('tbody tr td:nth-child(3)').allInnerTexts()).map(Number);
  const before = await scores();
  await scoreHead.click();
  const up = await scores();
  check(up.every((v, i) => i === 0 || up[i - 1] <= v) && up.length === before.length,
    `sorting by score puts ${up.length} rows in ascending order`);
  await scoreHead.click();
  const down = await scores();
  check(down.every((v, i) => i === 0 || down[i - 1] >= v), 'clicking again sorts them descending');
  const idHead = table.locator('thead th').nth(0);
  await idHead.click();
  const ids = await table.locator('tbody tr td:nth-child(1)').allInnerTexts();
  check(ids.join() === [...ids].sort().join(), 'sorting by id orders the ids');

  // 3. The search box finds an enterprise by a part of its name and goes to its opinion sheet.
  const target = screen.find((r) => r.decision === 'conditional') || screen[0];
  const fragment = target.name.slice(2, 6);
  await page.fill('#pp-search', fragment);
  const hits = page.locator('.results a');
  await hits.first().waitFor();
  const found = await hits.allInnerTexts();
  check(found.some((t) => t.startsWith(target.id)), `searching "${fragment}" finds ${target.id} (${found.length} hits)`);
  await page.fill('#pp-search', target.id);
  await page.press('#pp-search', 'Enter');
  await page.waitForTimeout(300);
  const inView = await page.evaluate((id) => {
    const s = document.getElementById('sheet-' + id);
    if (!s) return false;
    const r = s.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  }, target.id);
  check(inView, `Enter on ${target.id} scrolls to its opinion sheet`);
  const lit = await page.locator(`tr.hl[data-ent="${target.id}"]`).count();
  check(lit > 0, `its rows are highlighted (${lit})`);
  await page.screenshot({ path: path.join(shots, 'search.png') });

  // 4. Clicking a placed enterprise's row highlights its parcel on both maps and, for an urban
  // enterprise that converts, its current site on the relocation map.
  const urban = assignments.find((r) => r.enterprise_id.startsWith('UR-')) || assignments[1];
  const row = page.locator(`#allocate tr[data-ent="${urban.enterprise_id}"]`).first();
  await row.scrollIntoViewIfNeeded();
  await row.click();
  const litParcels = await page.locator('.hits path.hl').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')));
  check(litParcels.length >= 1 && litParcels.every((id) => id === urban.parcel_id),
    `clicking ${urban.enterprise_id}'s row highlights parcel ${urban.parcel_id} (${litParcels.length} shapes)`);
  if (urban.enterprise_id.startsWith('UR-')) {
    const site = await page.locator('.map[data-map="relocation"] .hits circle.hl').getAttribute('data-site');
    check(site === urban.enterprise_id, `and its current site on the relocation map (${site})`);
    await page.locator('.map[data-map="relocation"]').screenshot({ path: path.join(shots, 'relocation-highlight.png') });
  }

  // 5. The map zooms and pans.
  await park.scrollIntoViewIfNeeded();
  const vb = () => park.locator('svg').getAttribute('viewBox');
  const full = await vb();
  await park.locator('.zoom button').first().click();
  const zoomed = await vb();
  check(Number(zoomed.split(' ')[2]) < Number(full.split(' ')[2]), `zoom in narrows the view (${full} -> ${zoomed})`);
  await park.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const sb = await park.locator('svg').boundingBox();
  await page.mouse.move(sb.x + sb.width / 2, sb.y + sb.height / 2);
  await page.mouse.down();
  await page.mouse.move(sb.x + sb.width / 2 + 120, sb.y + sb.height / 2 + 60, { steps: 5 });
  await page.mouse.up();
  const panned = await vb();
  check(panned.split(' ')[0] !== zoomed.split(' ')[0], `dragging pans the view (${panned})`);
  await page.mouse.wheel(0, -300);
  await park.screenshot({ path: path.join(shots, 'zoomed.png') });
  await park.locator('.zoom button').nth(2).click();
  check((await vb()) === full, 'reset shows the whole map again');

  // 6. A table's filter keeps the matching rows.
  const filter = page.locator('#screen input.filter').nth(1);
  await filter.fill(target.id);
  const visible = await page.locator('#screen table.data').nth(1).locator('tbody tr:visible').allInnerTexts();
  check(visible.length >= 1 && visible.every((t) => t.includes(target.id)), `filtering by ${target.id} keeps ${visible.length} rows`);

  check(errors.length === 0, 'no console errors' + (errors.length ? ': ' + errors.join('; ') : ''));
  check(requests.length === 0, 'no network request' + (requests.length ? ': ' + requests.join(' ') : ''));

  // Without script the page reads as the static report.
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 1000 } });
  const plain = await ctx.newPage();
  await plain.goto(url);
  const sheets = await plain.locator('article.sheet').count();
  check(sheets === screen.length, `without script the page has its ${sheets} opinion sheets`);
  check((await plain.locator('input').count()) === 0, 'and no controls that need script');
  await plain.screenshot({ path: path.join(shots, 'no-script.png') });
} catch (e) {
  console.error(e.message || String(e));
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
