// What leaves the device (issue 5, SPEC section 6): plant unique values in the
// profile, go through every flow of the shop, record every request the page
// makes, and check that no profile value leaves in any usual encoding, that
// no request carries a cookie, and that report bodies hold only the allowed keys.
import { test, expect } from '@playwright/test';
import { createHash } from 'node:crypto';
import { open, freshVisitor, saveProfile, settle } from './helpers.mjs';

const NAME = 'Quentavia Zorblatt';          // unique: checked everywhere, paths included
const PET = 'bird', REGION = 'okinawa', CHANNEL = 'email';

function encodings(v) {
  const b = Buffer.from(v, 'utf8');
  const sha = createHash('sha256').update(b).digest();
  return [
    v, encodeURIComponent(v), encodeURIComponent(v).replace(/%20/g, '+'), b.toString('base64'),
    b.toString('base64url'), b.toString('hex'), sha.toString('hex'), sha.toString('base64'), sha.toString('base64url'),
  ].map((x) => x.toLowerCase());
}

const TOP_KEYS = ['reports', 'site', 'v'];
const REPORT_KEYS = ['cfg', 'd', 'eps', 'mech', 'rid', 'task', 'win', 'y'];

test('privacy: no planted profile value leaves the device, no cookie, reports hold only the allowed keys', async ({ page }) => {
  const requests = [];
  page.context().on('request', async (r) => {
    requests.push({ method: r.method(), url: r.url(), headers: await r.allHeaders(), body: r.postData() || '' });
  });
  await page.clock.install({ time: new Date('2026-11-24T10:00:00+09:00') });

  // Form, browsing with dwell, cart, purchase, reload.
  await freshVisitor(page);
  await saveProfile(page, { name: NAME, pet: PET, region: REGION, channel: CHANNEL });
  await settle(page);
  await open(page, '/products/bird-perch/');
  await page.clock.runFor(20_000);
  await page.click('#add-to-cart');
  await settle(page);
  await open(page, '/cart/');
  await page.click('#checkout');
  await expect(page.locator('#order-done')).toBeVisible();
  await settle(page);
  await page.reload();
  await page.waitForSelector('html[data-demo-ready]');

  // A week later the window has closed: the reports go out on the next page load.
  await page.clock.fastForward(8 * 24 * 3600 * 1000);
  const sent = page.waitForResponse((r) => r.url().endsWith('/v1/reports') && r.request().method() === 'POST');
  await open(page, '/');
  expect((await sent).status()).toBe(202);

  // Forget me.
  await page.evaluate(() => window.omotenashi.forget());
  await open(page, '/');

  // No cookie on any request.
  for (const r of requests) expect(r.headers.cookie, `${r.method} ${r.url}`).toBeUndefined();

  // The name appears nowhere: URL (path included), headers, body.
  const name = encodings(NAME);
  for (const r of requests) {
    const text = (r.url + ' ' + JSON.stringify(r.headers) + ' ' + r.body).toLowerCase();
    for (const e of name) expect(text.includes(e), `${e} in ${r.method} ${r.url}`).toBe(false);
  }
  // The chosen pet, region and channel are words the shop's own file names
  // use too (/img/products/bird-perch.svg), so they are checked in every
  // query string, header and body, and every path but the shop's static files.
  const words = [PET, REGION, CHANNEL].flatMap(encodings);
  for (const r of requests) {
    const u = new URL(r.url);
    const isStaticFile = r.method === 'GET' && !u.search && u.origin === new URL(page.url()).origin;
    const text = ((isStaticFile ? '' : u.pathname) + u.search + ' ' + JSON.stringify(r.headers) + ' ' + r.body).toLowerCase();
    for (const e of words) expect(text.includes(e), `${e} in ${r.method} ${r.url}`).toBe(false);
  }

  // What was sent: only report batches, of exactly the keys of SPEC section 6.
  const posts = requests.filter((r) => r.method !== 'GET');
  expect(posts.length).toBeGreaterThan(0);
  for (const p of posts) {
    expect(new URL(p.url).pathname).toBe('/v1/reports');
    const batch = JSON.parse(p.body);
    expect(Object.keys(batch).sort()).toEqual(TOP_KEYS);
    expect(batch.reports.length).toBeGreaterThan(0);
    for (const rep of batch.reports) {
      expect(Object.keys(rep).sort()).toEqual(REPORT_KEYS);
      expect(rep.mech).toBe('grr');
      expect(rep.rid).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(rep.win).toMatch(/^\d{4}-W\d{2}$/);
    }
  }
});
