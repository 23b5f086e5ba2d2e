// Tabs that name their rules differently, fields set during a profile exchange, a
// grant relayed between tabs, a page streamed in parts, an odd collector reply:
// each test failed on the runtime before its fix.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { persistentBrowser, storedProfile, ready, watchConsole, open, flushed, storedCatOwner, shiftClock } from './helpers.mjs';

test.describe.configure({ timeout: 90_000 });

const here = dirname(fileURLToPath(import.meta.url));
const SHOP = readFileSync(join(here, '../pages/shop.html'), 'utf8');
// The shop page served at another path with its script tag changed by `edit`.
function routeShop(context, path, edit) {
  return context.route('**' + path, (route) => route.fulfill({ contentType: 'text/html', body: edit(SHOP) }));
}
const hasDb = (page) => page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === '/omotenashi'));

test('a denial in one tab reaches a tab of the same site whose script names its rules another way', async ({ browser }) => {
  const context = await browser.newContext();
  // The same rules file, named relative to the page: one site, one store, one choice.
  await routeShop(context, '/pages/shop-relative.html', (html) => html.replace('data-rules="/pages/rules.json"', 'data-rules="rules.json"'));
  const a = await open(context);
  await a.evaluate(() => window.omotenashi.consent('granted'));
  await a.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  const b = await open(context, '/pages/shop-relative.html');
  expect(await b.evaluate(() => window.omotenashi.consentState())).toBe('granted');
  await a.evaluate(() => window.omotenashi.consent('denied'));
  await expect.poll(() => hasDb(a)).toBe(false);
  // The other tab follows: it stops recording and never writes the profile again.
  await expect.poll(() => b.evaluate(() => window.omotenashi.consentState()), { timeout: 2000 }).toBe('denied');
  await b.evaluate(() => window.omotenashi.track('add_to_cart', { sku: 'sku-ball' }));
  await flushed(b);
  expect(await hasDb(b)).toBe(false);
  await context.close();
});

test('fields a new tab sets as it starts survive its profile exchange with an open tab', async ({ browser }) => {
  const context = await browser.newContext();
  const a = await open(context);
  await a.evaluate(() => window.omotenashi.consent('granted'));
  const b = await context.newPage();
  // The site's own code sets a field the moment the engine is ready (a
  // signed-in visitor's data), as the new tab asks the open one for its profile.
  await b.addInitScript(() => {
    let o;
    Object.defineProperty(window, 'omotenashi', {
      configurable: true,
      get: () => o,
      set: (v) => { o = v; v.ready.then(() => v.setProfile({ name: 'Ken' })); },
    });
  });
  await b.goto('/pages/shop.html');
  await ready(b);
  await expect.poll(() => a.evaluate(() => window.omotenashi.decide('greeting').variant)).toBe('named');
  await b.waitForTimeout(500);   // the open tab's answer has arrived
  expect(await b.evaluate(() => window.omotenashi.decide('greeting').variant)).toBe('named');
  await expect(b.locator('#greeting')).toHaveText('Welcome back, Ken');
  await flushed(a);
  await flushed(b);
  expect(await storedProfile(b)).toContain('Ken');
  await context.close();
});

test('a collector that accepts a batch with an odd body does not stop the engine', async ({ baseURL }) => {
  const b = await persistentBrowser(baseURL);
  try {
    await storedCatOwner(b.context);
    // Eight days later a report is due; the collector (or a proxy) answers 202 with "null".
    await b.context.route('**/v1/reports', (route) => route.fulfill({ status: 202, contentType: 'application/json', body: 'null' }));
    const page = await b.context.newPage();
    await shiftClock(page, 8);
    const errors = watchConsole(page);
    let posted = 0;
    page.on('request', (r) => { if (r.url().includes('/v1/reports')) posted++; });
    await page.goto('/pages/shop.html');
    await ready(page);
    await expect.poll(() => posted).toBe(1);
    await page.waitForTimeout(300);
    expect(errors.filter((e) => e.includes('engine stopped'))).toEqual([]);
    expect(await page.evaluate(() => window.omotenashi.decide('hero'))).not.toBeNull();
  } finally {
    await b.context.close();
    b.cleanup();
  }
});

test('a slot the parser has not finished when the engine is ready is painted whole, once it is', async ({ page }) => {
  // The network pauses inside the slot: the engine is ready before its end tag arrives.
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<script src="/dist/omotenashi.js" data-rules="/pages/rules.json"></script></head><body>' +
    '<p data-omo-slot="welcome" id="welcome">Our news: <!--hold--><b>see the catalog</b></p><p id="after">after</p></body></html>';
  const errors = watchConsole(page);
  await page.goto('/__stream?hold=2000&html=' + encodeURIComponent(html), { waitUntil: 'commit' });
  await ready(page);
  await page.waitForLoadState('domcontentloaded');
  await expect(page.locator('#welcome')).toHaveText('New this week: beds for older dogs');
  // Its default, saved at the first paint, is the whole of it.
  await page.evaluate(() => window.omotenashi.consent('granted'));
  await page.evaluate(() => window.omotenashi.track('page'));
  await expect(page.locator('#welcome')).toHaveText('Our news: see the catalog');
  expect(await page.locator('#welcome b').count()).toBe(1);
  expect(errors).toEqual([]);
});

test('a tab that follows another tab\'s grant takes its profile: one device id, stored and in both tabs', async ({ browser }) => {
  const context = await browser.newContext();
  const a = await open(context);
  const b = await open(context);
  await a.click('#allow');
  await expect.poll(() => b.evaluate(() => window.omotenashi.consentState())).toBe('granted');
  await b.waitForTimeout(500);
  const id = (p) => p.evaluate(() => window.omotenashi.exportData().profile.profile.deviceId);
  const idA = await id(a);
  expect(idA).toBeTruthy();
  expect(await id(b)).toBe(idA);
  await b.evaluate(() => window.omotenashi.track('view', { sku: 'sku-ball' }));
  await flushed(b);
  expect(JSON.parse(await storedProfile(b)).deviceId).toBe(idA);
  await context.close();
});

// A site styles "Saved" on data-omo-saved: without consent nothing is stored,
// so the form is not marked (the fields are still checked).
test('a profile form submitted without consent is not marked saved', async ({ page }) => {
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.fill('#name', 'Ken');
  await page.click('#save');
  await page.waitForTimeout(300);
  await expect(page.locator('#profile')).not.toHaveAttribute('data-omo-saved', '');
  await expect(page.locator('#profile')).not.toHaveAttribute('data-omo-error', /./);
  await page.selectOption('#pet', 'dragon');
  await page.click('#save');
  await expect(page.locator('#profile')).toHaveAttribute('data-omo-error', /pet/);
  await page.selectOption('#pet', 'cat');
  await page.click('#allow');
  await page.click('#save');
  await expect(page.locator('#profile')).toHaveAttribute('data-omo-saved', '');
  await expect(page.locator('#profile')).not.toHaveAttribute('data-omo-error', /./);
});

// A returning visitor's slots wait for the engine at most data-hide-timeout ms.
// A value past what browser timers hold (2^31 ms) made the wait end at once.
test('a hide timeout too large for a timer still hides the slots until the engine paints', async ({ page, context }) => {
  await routeShop(context, '/pages/shop-long-hide.html', (html) => html
    .replace('data-rules="/pages/rules.json"', 'data-rules="/pages/rules.json?slow=2500" data-hide-timeout="3000000000"'));
  await page.addInitScript(() => localStorage.setItem('omotenashi.consent', 'granted'));
  await page.goto('/pages/shop-long-hide.html');
  await page.waitForTimeout(800);
  const visibility = () => page.evaluate(() => getComputedStyle(document.getElementById('greeting')).visibility);
  expect(await visibility()).toBe('hidden');
  await ready(page);
  expect(await visibility()).toBe('visible');
});

// A tab that follows a grant paints as granted; a variant shown only with
// consent is an impression, which sends the tab's profile to every tab. Sent
// before it took the granting tab's profile, it carried its own device id,
// which the granting tab then loaded: the two tabs swapped device ids.
test('a tab that follows a grant and then shows a consent-only variant keeps one device id with the granting tab', async ({ browser }) => {
  const context = await browser.newContext();
  await context.route('**/pages/rules.json', async (route) => {
    const r = await route.fetch();
    const rules = await r.json();
    rules.slots.greeting.variants.push({ id: 'thanks', priority: 1, when: { 'context.consent': 'granted' }, text: 'Thank you for letting us remember' });
    await route.fulfill({ response: r, body: JSON.stringify(rules) });
  });
  const a = await open(context);
  const b = await open(context);
  await a.click('#allow');
  await expect(b.locator('#greeting')).toHaveText('Thank you for letting us remember');
  await b.waitForTimeout(500);
  const id = (p) => p.evaluate(() => window.omotenashi.exportData().profile.profile.deviceId);
  const idA = await id(a);
  expect(idA).toBeTruthy();
  expect(await id(b)).toBe(idA);
  await flushed(a);
  await flushed(b);
  expect(JSON.parse(await storedProfile(b)).deviceId).toBe(idA);
  await context.close();
});

// The network pauses just after a slot's end tag: the slot is complete but
// nothing follows it yet, so it waits. What the parser adds next (not a slot)
// must get it painted, not only DOMContentLoaded, which a slow script further
// down holds back.
test('a slot left waiting for its end tag is painted once the parser goes on, before DOMContentLoaded', async ({ page }) => {
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<script src="/dist/omotenashi.js" data-rules="/pages/rules.json"></script></head><body>' +
    '<p data-omo-slot="welcome" id="welcome">Our news</p><!--hold--><p id="after">after</p>' +
    '<script src="/pages/rules.json?slow=4000"></script></body></html>';
  await page.goto('/__stream?hold=1000&html=' + encodeURIComponent(html), { waitUntil: 'commit' });
  await ready(page);
  await page.waitForSelector('#after', { state: 'attached' });
  await expect(page.locator('#welcome')).toHaveText('New this week: beds for older dogs', { timeout: 1500 });
  expect(await page.evaluate(() => document.readyState)).toBe('loading');
});
