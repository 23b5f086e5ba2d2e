// The page runtime: painting, signals, safety, CSP, failure (first paint: paint.spec.mjs).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchConsole, ready, storageSnapshot, DEFAULTS, grant, grantedShop, pageVariant } from './helpers.mjs';

const pagesDir = join(dirname(fileURLToPath(import.meta.url)), '../pages');

test('first visit: defaults at once, nothing stored, nothing sent (pending)', async ({ page }) => {
  const errors = watchConsole(page);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
  await page.goto('/pages/shop.html');
  await ready(page);
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('pending');
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  // Signals and a form while pending: decisions stay context-only, nothing is written.
  await page.click('#add-bed');
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  await page.fill('#name', 'Aiko');
  await page.click('#save');
  await page.waitForTimeout(600);
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  await expect(page.locator('#promo')).toHaveText(DEFAULTS.promo);
  await page.evaluate(() => new Promise((r) => { dispatchEvent(new Event('pagehide')); setTimeout(r, 300); }));
  expect(await storageSnapshot(page)).toEqual({ databases: [], localStorage: [], sessionStorage: [], cookie: '' });
  expect(await page.evaluate(() => window.omotenashi.exportData())).toEqual({ consent: 'pending', profile: null });
  expect(posts).toEqual([]);
  expect(errors).toEqual([]);
});

test('slots repaint on signals at once, with no reload and no request', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const navigations = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));

  await page.click('#add-bed');                       // data-omo-event
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed', category: 'beds' }));
  await expect(page.locator('#promo')).toHaveText(DEFAULTS.promo);   // in the cart: offer suppressed
  await page.evaluate(() => window.omotenashi.track('remove_from_cart', { sku: 'sku-bed' }));
  await expect(page.locator('#promo')).toHaveText('10% off the bed you looked at');
  await expect(page.locator('#promo')).toHaveAttribute('data-omo-items', 'sku-bed');
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);   // back to the default
  // Visible dwell on the data-omo-product block (IntersectionObserver + timer).
  await expect(page.locator('#study')).toHaveText('Still thinking about it? Ask us anything.', { timeout: 8000 });
  // A purchase: the bed (buy-once category) is never offered again.
  await page.click('#buy-bed');
  await expect(page.locator('#promo')).toHaveText(DEFAULTS.promo);
  // setProfile: the named greeting and the dog image (src from the rules).
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko', pet: 'dog' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await expect(page.locator('#hero')).toHaveAttribute('src', '/pages/img/dog.svg');
  await expect(page.locator('#hero')).toHaveAttribute('alt', 'A dog');
  expect(requests.filter((u) => !u.endsWith('/pages/img/dog.svg'))).toEqual([]);
  expect(navigations).toEqual([]);
  // A product block removed while visible (a single-page app re-rendering):
  // the next tick records the dwell it had and forgets it, so neither more
  // time nor the page being hidden adds to it.
  const dwell = () => page.evaluate(() => window.omotenashi.exportData().profile.profile.behavior.products['sku-bed'].d);
  // Removed half-way between two dwell signals (every 2 visible seconds, counted by a 1 s tick),
  // so it holds unrecorded dwell.
  const before = await dwell();
  await expect.poll(dwell, { intervals: [50] }).toBeGreaterThan(before);
  const flushedBefore = await dwell();
  await page.waitForTimeout(1300);
  await page.evaluate(() => document.querySelector('[data-omo-product]').remove());
  await page.waitForTimeout(1500);
  const atRemoval = await dwell();
  expect(atRemoval).toBeGreaterThan(flushedBefore);   // the unrecorded second was recorded
  await page.waitForTimeout(2500);
  await page.evaluate(() => dispatchEvent(new Event('pagehide')));
  expect(await dwell()).toBe(atRemoval);
  expect(errors).toEqual([]);
});

test('GA4 dataLayer ecommerce, including pushes made before the script loaded', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => localStorage.setItem('omotenashi.consent', 'granted'));
  await page.goto('/pages/datalayer.html');
  await ready(page);
  // view_item pushed by before.js (before omotenashi.js) counted: the bed offer shows.
  await expect(page.locator('#promo')).toHaveText('10% off the bed you looked at');
  await page.evaluate(() => window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'sku-ball', quantity: 2 }] } }));
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  await page.evaluate(() => window.dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: 'T1', items: [{ item_id: 'sku-bed', item_category: 'beds' }] } }));
  await expect(page.locator('#promo')).toHaveText(DEFAULTS.promo);
  const behavior = async () => (await page.evaluate(() => window.omotenashi.exportData())).profile.profile.behavior;
  expect(JSON.stringify(await behavior())).toContain('sku-ball');
  expect((await behavior()).purchaseCount).toBe(1);
  // An order of two items is one purchase of exactly those two, and a re-pushed
  // transaction counts once.
  const order = { event: 'purchase', ecommerce: { transaction_id: 'T2', items: [{ item_id: 'sku-ball', quantity: 2 }, { item_id: 'sku-toy', item_category: 'toys' }] } };
  await page.evaluate((o) => { window.dataLayer.push(o); window.dataLayer.push(JSON.parse(JSON.stringify(o))); }, order);
  const b = await behavior();
  expect(b.purchaseCount).toBe(2);
  expect(b.purchases.map((p) => p.sku).sort()).toEqual(['sku-ball', 'sku-bed', 'sku-toy']);
  expect(b.cart).toEqual({});
  expect(errors).toEqual([]);
});

// Google's older snippets assign the list: dataLayer = [{...}] before the tag
// manager. On a page where that comes after our tag, the runtime watched
// the array it had made, and every signal in the new one was lost.
test('a dataLayer the page assigns after the script loaded is read too', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => localStorage.setItem('omotenashi.consent', 'granted'));
  const assign = '<script>dataLayer = [{ event: "view_item", ecommerce: { items: [{ item_id: "sku-bed" }] } }];</script>';
  await pageVariant(page, 'datalayer-late', 'datalayer',
    (html) => html.replace('<script src="/pages/before.js"></script>', '').replace('</head>', assign + '</head>'));
  await page.goto('/pages/datalayer-late.html');
  await ready(page);
  await expect(page.locator('#promo')).toHaveText('10% off the bed you looked at');
  await page.evaluate(() => window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'sku-ball' }] } }));
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  // Assigned again, to the same list or a new one: each entry still counts once.
  await page.evaluate(() => { window.dataLayer = window.dataLayer; window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'sku-toy' }] } }); });
  const cart = async () => (await page.evaluate(() => window.omotenashi.exportData())).profile.profile.behavior.cart;
  await expect.poll(cart).toEqual({ 'sku-ball': 1, 'sku-toy': 1 });
  expect(errors).toEqual([]);
});

// A page that empties the name (dataLayer = null or undefined) before it
// makes its list has assigned no list: nothing is reported, and the list it
// then makes is watched.
test('a dataLayer set to null, then to a list: no error, the list is read', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => localStorage.setItem('omotenashi.consent', 'granted'));
  await pageVariant(page, 'datalayer-null', 'datalayer', (t) => t.replace('<script src="/pages/before.js"></script>', '')
    .replace('</head>', '<script>window.dataLayer = null; window.dataLayer = undefined; window.dataLayer = window.dataLayer || [];' +
      ' dataLayer.push({ event: "add_to_cart", ecommerce: { items: [{ item_id: "sku-ball" }] } });</script></head>'));
  await page.goto('/pages/datalayer-null.html');
  await ready(page);
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  expect(errors).toEqual([]);
});

// What the site gets wrong is the site's error, reported clearly; it never
// stops personalization, and the site's own dataLayer.push never throws.
test('unreadable dataLayer entries and non-JSON track() data: a clear error, the page goes on', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => {
    localStorage.setItem('omotenashi.consent', 'granted');
    // track() before ready, with a value JSON cannot write.
    Object.defineProperty(window, 'omotenashi', {
      configurable: true,
      set(api) {
        Object.defineProperty(window, 'omotenashi', { value: api, writable: true, configurable: true });
        try { api.track('view', { sku: 'sku-bed', n: 1n }); } catch (e) { window.earlyError = e.message; }
      },
    });
  });
  await page.goto('/pages/datalayer.html');
  await ready(page);
  await expect(page.locator('#promo')).toHaveText('10% off the bed you looked at');
  const r = await page.evaluate(() => {
    const thrown = (e) => { throw new Error(e); };
    const entries = [
      { get event() { return thrown('a throwing getter'); } },
      { get event() { throw null; } },
      new Proxy({}, { get: () => thrown('a hostile Proxy') }),
      ['consent', 'update', new Proxy({}, { get: () => thrown('a hostile consent object') })],
      { event: 'view_item', ecommerce: { items: [{ item_id: { toString: () => thrown('a throwing toString') } }] } },
      { event: 'add_to_cart', ecommerce: { items: [{ item_id: 'sku-ball', quantity: 2n }] } },   // readable: a BigInt quantity
    ];
    const pushes = entries.map((e) => { try { window.dataLayer.push(e); return 'ok'; } catch (x) { return x.message; } });
    let late = '', getter = '';
    try { window.omotenashi.track('view', { sku: 'sku-toy', n: 1n }); } catch (e) { late = e.message; }
    try { window.omotenashi.track('view', { get sku() { throw null; } }); } catch (e) { getter = e.message; }
    return { pushes, late, getter, early: window.earlyError };
  });
  expect(r.pushes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  expect(r.getter).toBe('track: the signal is not JSON data (null)');
  expect(r.early).toBe('track: the signal is not JSON data (Do not know how to serialize a BigInt)');
  expect(r.late).toBe(r.early);
  // The BigInt quantity was read, and the engine still decides.
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  const cart = (await page.evaluate(() => window.omotenashi.exportData())).profile.profile.behavior.cart;
  expect(cart).toEqual({ 'sku-ball': 2 });
  expect(errors).toEqual([
    'omotenashi: dataLayer: an entry could not be read (a throwing getter)',
    'omotenashi: dataLayer: an entry could not be read (null)',
    'omotenashi: dataLayer: an entry could not be read (a hostile Proxy)',
    'omotenashi: dataLayer: an entry could not be read (a hostile consent object)',
    'omotenashi: dataLayer: an entry could not be read (a throwing toString)',
  ]);
});

// A tag manager may define dataLayer.push as an accessor whose setter wraps
// the function it is given: ours is then called through theirs.
test('a dataLayer whose push is an accessor wrapping ours is read, with no error', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => {
    localStorage.setItem('omotenashi.consent', 'granted');
    const dl = window.dataLayer = [];
    let push = Array.prototype.push;
    Object.defineProperty(dl, 'push', {
      get: () => push,
      set: (f) => { push = function () { return f.apply(this, arguments); }; },
    });
  });
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.evaluate(() => window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'sku-ball' }] } }));
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  expect(errors).toEqual([]);
});

test('API calls with the wrong kind of argument get an Error naming the call', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  const r = await page.evaluate(async () => {
    const o = window.omotenashi;
    const message = async (f) => { try { await f(); return 'no error'; } catch (e) { return e.message; } };
    return {
      listener: await message(() => o.on('decision', 5)),
      symbol: await message(() => o.on(Symbol('x'), () => {})),
      inherited: await message(() => o.on('constructor', () => {})),
      fields: await message(() => o.setProfile({ name: 1n })),
      good: await message(() => o.setProfile({ name: 'Aiko' })),
    };
  });
  expect(r).toEqual({
    listener: 'on: expected a function to call',
    symbol: "on: unknown event type 'Symbol(x)'",
    inherited: "on: unknown event type 'constructor'",
    fields: 'setProfile: the fields are not JSON data (Do not know how to serialize a BigInt)',
    good: 'no error',
  });
  // The name was stored and its decision emitted: nothing registered failed.
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  expect(errors).toEqual([]);
});

test('a page that calls init() itself: signals before it are bounded, options of the wrong type ignored', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => localStorage.setItem('omotenashi.consent', 'granted'));
  await page.goto('/pages/blank.html');   // the script without data-rules: nothing starts until init()
  const thrown = await page.evaluate(() => {
    try { for (let i = 0; i < 1001; ++i) window.omotenashi.track('view', { sku: 'sku-' + i }); } catch (e) { return e.message; }
    return '';
  });
  expect(thrown).toBe('');
  expect(errors).toEqual(['omotenashi: more than 1000 signals before the engine was ready: the later ones are dropped']);
  await page.evaluate(() => window.omotenashi.init({ rules: '/pages/rules.json', region: 1n, hideTimeoutMs: 1n }));
  await ready(page);
  expect(await page.evaluate(() => window.omotenashi.decide().length)).toBeGreaterThan(0);
  expect(errors).toHaveLength(1);
});

// A module is strict code: assigning to a frozen dataLayer's push throws there.
test('a dataLayer that cannot be watched is reported; the ES module still personalizes', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => { window.dataLayer = Object.freeze([]); });
  await page.goto('/pages/module.html');
  await ready(page);
  expect(await page.evaluate(() => window.omotenashi.decide().map((d) => d.slot))).toContain('greeting');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^omotenashi: dataLayer is not a list its pushes can be read from \(.*not extensible/);
});

// An app that changes a slot's name in place (a list re-rendered without
// keys) makes it a new slot with the content it gives it: the runtime
// restored the default saved under the old name there ("Welcome to the shop"
// in the promo slot).
test('a slot renamed in place keeps the content the app gave it as its default', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await page.evaluate(() => {
    const el = document.getElementById('greeting');
    el.setAttribute('data-omo-slot', 'promo');
    el.textContent = 'Our app says hello';
  });
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-cap' }));
  await expect(page.locator('#greeting')).toHaveText('Our app says hello');
  // Personalized under its new name, and back to the app's content when that ends.
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  const offer = await page.locator('#promo').textContent();
  expect(offer).not.toBe(DEFAULTS.promo);
  await expect(page.locator('#greeting')).toHaveText(offer);
  await page.evaluate(() => window.omotenashi.forget());
  await expect(page.locator('#greeting')).toHaveText('Our app says hello');
  expect(errors).toEqual([]);
});

// Nested slots (docs/web.md, Painting): text in the outer replaces the inner;
// when the outer is back to its default, the inner is restored and painted.
test('nested slots: the inner comes back, painted, when the outer returns to its default', async ({ page }) => {
  const errors = watchConsole(page);
  await pageVariant(page, 'nested', 'shop', (html) => html.replace('<p data-omo-slot="study" id="study">Browse our catalog</p>',
    '<div data-omo-slot="promo" id="outer">Outer default <span data-omo-slot="greeting" id="inner">Welcome to the shop</span></div>'));
  await page.goto('/pages/nested.html');
  await ready(page);
  await grant(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#inner')).toHaveText('Welcome back, Aiko');
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));   // the outer's offer
  await expect(page.locator('#inner')).toHaveCount(0);
  await page.evaluate(() => window.omotenashi.forget());
  await expect(page.locator('#outer')).toHaveText('Outer default Welcome to the shop');
  await page.evaluate(() => window.omotenashi.consent('granted').then(() => window.omotenashi.setProfile({ name: 'Ken' })));
  await expect(page.locator('#inner')).toHaveText('Welcome back, Ken');
  expect(errors).toEqual([]);
});

// An app (or a library) that sets data-omo-slot again to the name it has,
// as many re-render on every update, does not rename it: the default stays
// the element's own content. The personalized text became the default, and
// forget() left the visitor's name on the page.
test('a slot whose data-omo-slot is set again to the same name keeps its default', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await page.evaluate(() => document.getElementById('greeting').setAttribute('data-omo-slot', 'greeting'));
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-cap' }));
  await page.evaluate(() => window.omotenashi.forget());
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  expect(errors).toEqual([]);
});

// A renamed slot still showing our text (an app that patched only the
// attribute): its default stays the element's own content. The visitor's
// name became the new slot's default, and forget() left it on the page.
test('a slot renamed in place with the painted text still in it keeps its own default', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await page.evaluate(() => document.getElementById('greeting').setAttribute('data-omo-slot', 'promo'));
  // The promo slot shows its default (no product studied): the element's own.
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  await expect(page.locator('#greeting')).toHaveText(await page.locator('#promo').textContent());
  await page.evaluate(() => window.omotenashi.forget());
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  expect(errors).toEqual([]);
});

// An app that re-renders a slot under another name and changes another part
// of it (a badge) in the same update: the page's part is the app's, the
// painted text is ours. The whole content, our text included, became the new
// slot's default, and forget() left the visitor's name on the page.
test('a slot renamed in place with a part changed by the app keeps its own text as default', async ({ page }) => {
  const errors = watchConsole(page);
  await pageVariant(page, 'badge', 'shop', (html) => html.replace('<h1 data-omo-slot="greeting" id="greeting">Welcome to the shop</h1>',
    '<h1 data-omo-slot="greeting" id="greeting"><span data-omo-text>Welcome to the shop</span> <b id="badge">New</b></h1>'));
  await page.goto('/pages/badge.html');
  await ready(page);
  await grant(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko New');
  await page.evaluate(() => {
    document.getElementById('greeting').setAttribute('data-omo-slot', 'promo');
    document.getElementById('badge').textContent = 'Sale';
  });
  // The promo slot shows its default (no product studied): the element's own text, the app's badge.
  await expect(page.locator('#greeting')).toHaveText('Welcome to the shop Sale');
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  await expect(page.locator('#greeting [data-omo-text]')).toHaveText(await page.locator('#promo').textContent());
  await expect(page.locator('#badge')).toHaveText('Sale');
  await page.evaluate(() => window.omotenashi.forget());
  await expect(page.locator('#greeting')).toHaveText('Welcome to the shop Sale');
  // Unnamed by the app after another update: its own text back, the badge kept.
  await page.evaluate(() => window.omotenashi.consent('granted').then(() => window.omotenashi.track('view', { sku: 'sku-bed' })));
  await expect(page.locator('#greeting [data-omo-text]')).toHaveText(await page.locator('#promo').textContent());
  await page.evaluate(() => {
    document.getElementById('greeting').removeAttribute('data-omo-slot');
    document.getElementById('badge').textContent = 'Gone';
  });
  await expect(page.locator('#greeting')).toHaveText('Welcome to the shop Gone');
  expect(errors).toEqual([]);
});

// Renamed in place to a name the rules do not declare: no decision paints it,
// so it kept the old slot's text (the visitor's name, through a denial too)
// and its data-omo-variant. It shows its own content, as a slot not in the
// rules does.
test('a slot renamed in place to a name the rules do not declare shows its own content', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await page.evaluate(() => document.getElementById('greeting').setAttribute('data-omo-slot', 'not-in-the-rules'));
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  await expect(page.locator('#greeting')).not.toHaveAttribute('data-omo-variant');
  await expect(page.locator('#greeting')).toHaveAttribute('data-omo-painted', '');
  // Named back: painted again.
  await page.evaluate(() => document.getElementById('greeting').setAttribute('data-omo-slot', 'greeting'));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  expect(errors).toEqual([]);
});

// An element whose data-omo-slot the page removes is no longer ours: it gets
// its own content back (it kept the visitor's name, through forget() too),
// unless the page gave it new content itself.
test('an element whose data-omo-slot is removed gets its own content back', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await expect(page.locator('#promo')).not.toHaveText(DEFAULTS.promo);
  await page.evaluate(() => {
    document.getElementById('greeting').removeAttribute('data-omo-slot');
    const promo = document.getElementById('promo');
    promo.removeAttribute('data-omo-slot');
    promo.textContent = 'The app took this over';
  });
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  await expect(page.locator('#greeting')).not.toHaveAttribute('data-omo-variant');
  await expect(page.locator('#promo')).toHaveText('The app took this over');
  await expect(page.locator('#promo')).not.toHaveAttribute('data-omo-variant');
  await page.evaluate(() => window.omotenashi.forget());
  await expect(page.locator('#promo')).toHaveText('The app took this over');
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  expect(errors).toEqual([]);
});

test('a hostile profile value is shown as text and runs nothing', async ({ page }) => {
  const errors = watchConsole(page);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await grantedShop(page);
  const evil = '<img src=x onerror=alert(1)>';
  await page.evaluate((v) => window.omotenashi.setProfile({ name: v }), evil);
  await expect(page.locator('#greeting')).toHaveText('Welcome back, ' + evil);
  expect(await page.locator('#greeting img').count()).toBe(0);
  expect(await page.locator('#greeting').evaluate((el) => el.childNodes.length === 1 && el.firstChild.nodeType === 3)).toBe(true);
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
});

// A slot holding an image keeps it: text goes to its [data-omo-text] child.
// Repainting puts the slot's own content back first, so the text must land in
// the child that is in the page then, not in the one painted before.
test('a slot with an image and a [data-omo-text] child keeps the image and repaints the child', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend',
    '<div data-omo-slot="greeting" id="framed"><img src="/pages/img/default.svg" alt=""><span data-omo-text>Hello</span></div>'));
  await page.evaluate(() => window.omotenashi.track('add_to_cart', { sku: 'sku-ball' }));
  await expect(page.locator('#framed [data-omo-text]')).toHaveText('Your cart is waiting');
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));   // from one text straight to another
  await expect(page.locator('#framed [data-omo-text]')).toHaveText('Welcome back, Aiko');
  expect(await page.locator('#framed img').count()).toBe(1);
  expect(await page.locator('#framed [data-omo-text]').count()).toBe(1);
  expect(errors).toEqual([]);
});

// An empty <script> has not run yet: text put into it would run. Profile
// values reach slot text, so a slot on a script or a style is never painted.
test('a slot on a <script> or <style> element is never painted', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<script data-omo-slot="promo"></script><style data-omo-slot="greeting"></style>' +
      '<div data-omo-slot="greeting" id="framed"><img src="/pages/img/default.svg" alt=""><script data-omo-text></script></div>');
  });
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await expect(page.locator('#promo')).toHaveText('10% off the bed you looked at');
  expect(await page.evaluate(() => [...document.querySelectorAll('script[data-omo-slot], style[data-omo-slot], [data-omo-text]')].map((e) => e.textContent))).toEqual(['', '', '']);
  expect(errors.sort()).toEqual([
    'omotenashi: slot "greeting" is on a <style> element, which is never painted',
    'omotenashi: slot "greeting": its [data-omo-text] is a <script> element, which is never painted',
    'omotenashi: slot "promo" is on a <script> element, which is never painted',
  ]);
  // Not painted at all: no variant on it, and no impression counted for it.
  expect(await page.locator('#framed').getAttribute('data-omo-variant')).toBe(null);
});

// The browser's bundle leaves out the checks that only help an author
// (engine/diagnostics.h, kAuthoringChecks): rules that `omotenashi lint`
// refuses for a repeated key, a variant never shown or an undeclared field in
// a condition still run in the page, which keeps personalizing.
test('rules that fail only authoring checks still personalize the page', async ({ page }) => {
  const errors = watchConsole(page);
  await page.route('**/pages/rules.json', async (route) => {
    const rules = JSON.parse(readFileSync(join(pagesDir, 'rules.json'), 'utf8'));
    rules.slots.greeting.variants.push({ id: 'never', text: 'Never shown' }, { id: 'dead', text: 'Dead', when: { 'profile.nmae': { $exists: true } } });
    const text = JSON.stringify(rules).replace('{', '{"description":"first","description":"second",');
    await route.fulfill({ contentType: 'application/json', body: text });
  });
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  expect(errors).toEqual([]);
});

// Slot names come from the rules and the page, event names from the site's
// dataLayer: names that are also Object.prototype members are names like any other.
test('a slot named __proto__, a slot named toString and a dataLayer event named constructor', async ({ page }) => {
  const errors = watchConsole(page);
  await page.route('**/pages/rules.json', async (route) => {
    const rules = JSON.parse(readFileSync(join(pagesDir, 'rules.json'), 'utf8'));
    rules.slots = JSON.parse(JSON.stringify(rules.slots).replace('{', '{"__proto__":' + JSON.stringify(rules.slots.promo) + ','));
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify(rules) });
  });
  await grantedShop(page);
  await page.evaluate(() => {
    window.decisions = [];
    window.omotenashi.on('decision', (d) => window.decisions.push(d.slot));
    document.body.insertAdjacentHTML('beforeend', '<p data-omo-slot="__proto__" id="proto">own</p><p data-omo-slot="toString" id="tostring">own</p>');
    window.dataLayer.push({ event: 'constructor', ecommerce: { items: [{ item_id: 'sku-bed' }] } });
  });
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
  await expect(page.locator('#proto')).toHaveText('10% off the bed you looked at');
  await page.evaluate(() => window.omotenashi.track('add_to_cart', { sku: 'sku-ball' }));
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  await expect(page.locator('#tostring')).toHaveText('own');
  expect(await page.locator('#tostring').getAttribute('data-omo-variant')).toBe(null);
  expect(await page.evaluate(() => window.decisions.filter((s) => s === '__proto__').length)).toBe(1);
  expect(errors).toEqual([]);
});

test('profile input is validated against the rules schema; nothing invalid is stored', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  const msg = (f) => page.evaluate((f) => window.omotenashi.setProfile(f).then(() => 'ok', (e) => e.message), f);
  expect(await msg({ pet: 'dragon' })).toContain('pet');
  expect(await msg({ shoeSize: '42' })).toContain('shoeSize');
  expect(await msg({ name: 'x'.repeat(41) })).toContain('name');
  // The form: the invalid field is named, the valid one is not stored either.
  // A control named after an Object.prototype member is not a field of the
  // schema; one named "elements" or "matches" hides the form's own property.
  await page.evaluate(() => document.getElementById('profile').insertAdjacentHTML('beforeend',
    '<input type="hidden" name="constructor" value="x"><input type="hidden" name="elements"><input type="hidden" name="matches">'));
  await page.fill('#name', 'Ken');
  await page.selectOption('#pet', 'dragon');
  await page.click('#save');
  await expect(page.locator('#profile')).toHaveAttribute('data-omo-error', /pet/);
  const fields = await page.evaluate(() => window.omotenashi.exportData().profile.profile.fields);
  expect(fields).toEqual({});
  await page.selectOption('#pet', 'cat');
  await page.click('#save');
  await expect(page.locator('#profile')).toHaveAttribute('data-omo-saved');
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Ken');
  expect(errors).toEqual([]);
});

test('a profile form with controls named after its attribute methods is read and marked', async ({ page }) => {
  // Controls named setAttribute, removeAttribute and hasAttribute hide the
  // form's methods of those names (Playwright's own actions then fail, so
  // the page is driven from inside).
  const errors = watchConsole(page);
  await grantedShop(page);
  const submit = (pet) => page.evaluate(async (pet) => {
    const form = document.getElementById('profile');
    const has = (name) => Element.prototype.hasAttribute.call(form, name);
    document.getElementById('name').value = 'Ken';
    const select = document.getElementById('pet');
    select.value = pet;
    select.dispatchEvent(new Event('change'));  // as a visitor's choice: clears the last error
    document.getElementById('save').click();
    await new Promise((r) => setTimeout(r, 200));
    return { saved: has('data-omo-saved'), error: Element.prototype.getAttribute.call(form, 'data-omo-error') };
  }, pet);
  await page.evaluate(() => document.getElementById('profile').insertAdjacentHTML('beforeend',
    ['setAttribute', 'removeAttribute', 'hasAttribute'].map((n) => `<input type="hidden" name="${n}" value="x">`).join('')));
  const bad = await submit('dragon');
  expect(bad.saved).toBe(false);
  expect(bad.error).toContain('pet');
  expect(await submit('cat')).toEqual({ saved: true, error: null });
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Ken');
  expect(errors).toEqual([]);
});

test('strict CSP (script-src self wasm-unsafe-eval): works, no violation', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  });
  const response = await page.goto('/pages/shop.html?csp=1');
  expect(response.headers()['content-security-policy']).toBe("script-src 'self' 'wasm-unsafe-eval'");
  await ready(page);
  await grant(page);
  await page.click('#add-bed');
  await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(errors).toEqual([]);
});

test('an engine that fails to load leaves the defaults and a working page', async ({ page }) => {
  await page.addInitScript(() => {
    localStorage.setItem('omotenashi.consent', 'granted');   // a returning visitor: slots start hidden
    window.__errors = [];
    document.addEventListener('omotenashi:error', (e) => window.__errors.push(e.detail.message));
  });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto('/pages/broken.html');
  await ready(page);
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  await expect(page.locator('#greeting')).toBeVisible();
  await expect(page.locator('#hero')).toHaveAttribute('src', '/pages/img/default.svg');
  expect((await page.evaluate(() => window.__errors)).length).toBeGreaterThan(0);
  // The page keeps working: its buttons, the API (no throw), decide() is empty.
  await page.click('#add-bed');
  expect(await page.evaluate(() => { window.omotenashi.track('view', { sku: 'sku-bed' }); return window.omotenashi.decide(); })).toEqual([]);
  // The profile form does what it would without the script: it submits.
  await page.fill('#name', 'Aiko');
  await Promise.all([page.waitForURL(/name=Aiko/), page.click('#save')]);
  expect(pageErrors).toEqual([]);
});

// A site with an AMD loader (RequireJS: Magento, older WordPress themes)
// has a global define(). Emscripten's export footer called it anonymously,
// which RequireJS refuses ("Mismatched anonymous define() module") with a
// throw; a page with CommonJS-looking globals (exports, module) had its
// module.exports replaced by our factory. Neither script touches them now.
for (const file of ['shop.html', 'module.html']) {
  for (const globals of ['amd', 'commonjs']) {
    test(`a page with ${globals === 'amd' ? "RequireJS's define()" : 'global exports and module'}: ${file} leaves it alone`, async ({ page }) => {
      const errors = watchConsole(page);
      await page.addInitScript((amd) => {
        if (amd) {
          window.amdCalls = 0;
          window.define = function () { window.amdCalls++; throw new Error('Mismatched anonymous define() module'); };
          window.define.amd = { jQuery: true };
        } else {
          window.module = { exports: { mine: true } };
          window.exports = window.module.exports;
        }
      }, globals === 'amd');
      await page.goto('/pages/' + file);
      await ready(page);
      await grant(page);
      await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
      await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
      expect(await page.evaluate(() => window.define ? window.amdCalls : window.module.exports === window.exports && window.exports.mine))
        .toBe(globals === 'amd' ? 0 : true);
      expect(errors).toEqual([]);
    });
  }
}

test('ES module build: same runtime, window.omotenashi, exports', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/pages/module.html');
  await ready(page);
  const r = await page.evaluate(async () => {
    const m = await import('/dist/omotenashi.mjs');
    return { same: m.default === window.omotenashi, version: m.VERSION, slots: m.decide().map((d) => d.slot) };
  });
  expect(r.same).toBe(true);
  expect(r.slots).toContain('greeting');
  expect(errors).toEqual([]);
});

test('visitor controls: consent, what is stored, download, why, forget me', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/pages/controls.html');
  await ready(page);
  const controls = page.locator('#controls');
  await expect(controls).toHaveAttribute('data-state', 'pending');
  await expect(page.locator('#why')).toBeHidden();
  await controls.locator('[data-part=allow]').click();
  await expect(controls).toHaveAttribute('data-state', 'granted');
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  // "Why am I seeing this?" beside the personalized slot, in plain words,
  // named after what it explains (all of a page's were named the same).
  await expect(page.locator('#why')).toBeVisible();
  await expect(page.locator('#why [data-part=why]')).toHaveAccessibleName('Why am I seeing this? — Welcome back, Aiko');
  await page.locator('#why [data-part=why]').click();
  await expect(page.locator('#why [data-part=explanation]')).toContainText(/name/i);
  // A page switched to Japanese in place: the controls and the engine's explanation follow (they stayed English).
  await page.evaluate(() => { document.documentElement.lang = 'ja'; });
  await expect(page.locator('#why [data-part=why]')).toHaveText('なぜこれが表示されているの？');
  await expect(page.locator('#why [data-part=explanation]')).toHaveText(/^お名前を伺いました。使った情報（お客様から伺ったもの）：name。.*この端末の中だけに保存されています。$/);
  await expect(controls.locator('[data-part=show]')).toHaveText('保存されている内容');
  await expect(controls.locator('[data-part=status]')).toContainText('パーソナライズはオンです');
  // A locale written as in many lang attributes (ja_JP, not ja-JP) is Japanese too; it was English.
  await page.evaluate(() => { document.documentElement.lang = 'en'; });
  await expect(page.locator('#why [data-part=why]')).toHaveText('Why am I seeing this?');
  await page.evaluate(() => { document.documentElement.lang = 'ja_JP'; });
  await expect(page.locator('#why [data-part=why]')).toHaveText('なぜこれが表示されているの？');
  await expect(page.locator('#why [data-part=explanation]')).toHaveText(/^お名前を伺いました。/);
  await page.evaluate(() => { document.documentElement.lang = 'en'; });
  await expect(page.locator('#why [data-part=why]')).toHaveText('Why am I seeing this?');
  await expect(controls.locator('[data-part=show]')).toHaveText('What is stored?');
  // What is stored, in words (it was only the raw JSON), exactly as stored, and as a download.
  await page.evaluate(() => { window.omotenashi.track('add_to_cart', { sku: 'sku-bed' }); });
  await controls.locator('[data-part=show]').click();
  const rows = await controls.locator('[data-part=summary] dt, [data-part=summary] dd').allTextContents();
  const row = (label) => rows[rows.indexOf(label) + 1];
  expect(rows.filter((r, i) => i % 2 === 0)).toEqual(['What you told us', 'Products you looked at', 'In your cart',
    'What you bought', 'Visits', 'Tests you take part in', 'Answers waiting to be sent']);
  expect(row('What you told us')).toBe('name: Aiko');
  expect(row('In your cart')).toBe('sku-bed × 1');
  expect(row('What you bought')).toBe('—');
  await expect(controls.locator('[data-part=json] pre')).toBeHidden();
  await controls.locator('[data-part=json] summary').click();
  await expect(controls.locator('[data-part=json] pre')).toContainText('"Aiko"');
  const [download] = await Promise.all([page.waitForEvent('download'), controls.locator('[data-part=download]').click()]);
  expect(download.suggestedFilename()).toBe('omotenashi-data.json');
  await expect.poll(async () => (await storageSnapshot(page)).databases).toEqual(['/omotenashi']);
  // Forget me: the database no longer exists, nothing is stored.
  await controls.locator('[data-part=forget]').click();
  await expect(controls.locator('[data-part=forgotten]')).toBeVisible();
  expect(await storageSnapshot(page)).toEqual({ databases: [], localStorage: [], sessionStorage: [], cookie: '' });
  await expect(page.locator('#greeting')).toHaveText(DEFAULTS.greeting);
  await expect(page.locator('#why')).toBeHidden();
  expect(errors).toEqual([]);
});

// A choice made with the keyboard re-renders the controls: the focused button
// was replaced and the focus fell to <body> (a screen reader lost its place,
// the next Tab started over). It stays in the controls: on the same button
// when it is still there, else on the new state in words.
test('visitor controls keep the keyboard focus across a choice', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/pages/controls.html');
  await ready(page);
  const controls = page.locator('#controls');
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return e && e.closest('#controls') ? e.getAttribute('data-part') : e.tagName;
  });
  await controls.locator('[data-part=allow]').focus();
  await page.keyboard.press('Enter');
  await expect(controls).toHaveAttribute('data-state', 'granted');
  expect(await focused()).toBe('status');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('deny');
  await page.keyboard.press('Enter');
  await expect(controls).toHaveAttribute('data-state', 'denied');
  expect(await focused()).toBe('status');
  await controls.locator('[data-part=forget]').focus();
  await page.keyboard.press('Enter');
  await expect(controls.locator('[data-part=forgotten]')).toBeVisible();
  await expect(controls).toHaveAttribute('data-state', 'pending');
  expect(await focused()).toBe('forget');
  expect(errors).toEqual([]);
});

// A page without <html lang> in a Japanese browser: the runtime gives the
// engine navigator.language, so explain() answers in Japanese; the controls
// read <html lang> only and stayed English around it.
test.describe('a page without <html lang> in a ja-JP browser', () => {
  test.use({ locale: 'ja-JP' });
  test('the controls speak the language the engine explains in', async ({ page }) => {
    const errors = watchConsole(page);
    await page.route('**/pages/controls.html', async (route) => {
      const html = await (await route.fetch()).text();
      await route.fulfill({ body: html.replace('<html lang="en">', '<html>'), contentType: 'text/html; charset=utf-8' });
    });
    await page.goto('/pages/controls.html');
    await ready(page);
    expect(await page.evaluate(() => [document.documentElement.lang, navigator.language])).toEqual(['', 'ja-JP']);
    await grant(page);
    await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
    await expect(page.locator('#why')).toBeVisible();
    await page.locator('#why [data-part=why]').click();
    await expect(page.locator('#why [data-part=explanation]')).toHaveText(/^お名前を伺いました。/);
    await expect(page.locator('#why [data-part=why]')).toHaveText('なぜこれが表示されているの？');
    await expect(page.locator('#controls [data-part=status]')).toContainText('パーソナライズはオンです');
    // A lang of spaces says nothing either: the browser's language still counts (it gave "" and English).
    await page.evaluate(() => { document.documentElement.lang = '  '; });
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    await expect(page.locator('#why [data-part=why]')).toHaveText('なぜこれが表示されているの？');
    await expect(page.locator('#why [data-part=explanation]')).toHaveText(/^お名前を伺いました。/);
    expect(errors).toEqual([]);
  });
});

// The controls connected before window.omotenashi exists (the runtime
// loaded async, at the end of the body, or by a tag manager) said "not
// available" for good; they now render once the runtime is there, also for
// rules without slots, which never make a decision (they waited for one).
for (const slots of [true, false]) {
  test(`controls connected before the runtime loads render once it is there (${slots ? 'slots' : 'rules without slots'})`, async ({ page }) => {
    const errors = watchConsole(page);
    const tag = '<script src="/dist/omotenashi.js" data-rules="/pages/rules.json" data-collect="/v1/reports"></script>';
    await pageVariant(page, 'controls-first', 'controls', (html) => html.replace(tag, '')
      .replace('<script src="/dist/omotenashi-controls.js" defer></script>', '<script src="/dist/omotenashi-controls.js"></script>')
      .replace('</body>', tag + '</body>'));
    if (!slots) {
      await page.route('**/pages/rules.json', async (route) => {
        const rules = await (await route.fetch()).json();
        delete rules.slots;
        await route.fulfill({ json: rules });
      });
    }
    await page.goto('/pages/controls-first.html');
    await ready(page);
    expect(await page.evaluate(() => window.omotenashi.decide().length > 0)).toBe(slots);
    const controls = page.locator('#controls');
    await expect(controls).toHaveAttribute('data-state', 'pending');
    await controls.locator('[data-part=allow]').click();
    await expect(controls).toHaveAttribute('data-state', 'granted');
    expect(errors).toEqual([]);
  });
}

// Owner preview: ?omo_now=HH:MM&omo_device=... is honoured only when the
// rules say "preview": true.
for (const preview of [true, false]) {
  test(`preview overrides ${preview ? 'force' : 'are ignored without'} preview mode`, async ({ page }) => {
    await page.route('**/pages/rules.json', async (route) => {
      const rules = await (await route.fetch()).json();
      rules.preview = preview;
      rules.slots.greeting.variants.unshift({
        id: 'early-phone', priority: 1000, when: { 'context.device': 'mobile', 'context.hour': 5 },
        text: 'Up early on a phone?',
      });
      await route.fulfill({ json: rules });
    });
    await page.clock.install({ time: new Date('2026-11-24T14:00:00+09:00') });
    await page.goto('/pages/shop.html?omo_now=05:30&omo_device=mobile');
    await ready(page);
    await expect(page.locator('#greeting')).toHaveText(preview ? 'Up early on a phone?' : DEFAULTS.greeting);
  });
}

// A single-page app tells the runtime about its own navigations with
// track('page'). A variant capped at once a session stays on the page that
// showed it, through every re-decide, and is gone from the next page.
test("single-page app: track('page') starts a new page for impressions and caps", async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.id = 'welcome';
    p.setAttribute('data-omo-slot', 'welcome');
    p.textContent = 'Our shop';
    document.body.append(p);
  });
  await expect(page.locator('#welcome')).toHaveText('New this week: beds for older dogs');
  await page.evaluate(() => window.omotenashi.track('view', { sku: 'sku-ball', category: 'toys' }));
  await expect(page.locator('#promo')).toHaveText(DEFAULTS.promo);
  await expect(page.locator('#welcome')).toHaveText('New this week: beds for older dogs');   // same page: stays
  await page.evaluate(() => window.omotenashi.track('page'));
  await expect(page.locator('#welcome')).toHaveText('Our shop');   // the next page: capped
  const stored = await page.evaluate(() => window.omotenashi.exportData().profile.profile);
  expect(stored.caps['welcome/first-look']).toMatchObject({ s: expect.any(Number), sc: 1 });
  expect(stored.session.pages).toBe(2);
  expect(errors).toEqual([]);
});

// The profile form is held while the engine loads; if the engine then fails,
// the form submits as it would without the script.
test('a profile form submitted before ready submits natively when the engine then fails', async ({ page }) => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/pages/rules.json', async (route) => {
    await held;
    await route.fulfill({ status: 500, body: 'down' });
  });
  await page.goto('/pages/shop.html');
  // A button named "submit" (common) hides the form's submit() method.
  await page.evaluate(() => { document.getElementById('save').name = 'submit'; });
  await page.fill('#name', 'Aiko');
  await page.click('#save');
  await page.waitForTimeout(300);
  expect(page.url()).not.toMatch(/name=Aiko/);   // held: the engine may still come
  release();
  await page.waitForURL(/name=Aiko/, { timeout: 10000 });
});
