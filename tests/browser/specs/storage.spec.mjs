// Consent and the local profile in IndexedDB (IDBFS), with real browser
// profile directories: restart, denial, forget, two tabs, corruption, GPC,
// consent platforms (TCF, Consent Mode) and report sending.
import { test, expect } from '@playwright/test';
import { persistentBrowser, storageSnapshot, storedProfile, ready, watchConsole, open, flushed, storedCatOwner, shiftClock, pageVariant } from './helpers.mjs';

test.describe.configure({ timeout: 90_000 });

const DAY = 24 * 3600 * 1000;
// A persistent browser profile (a real profile directory) for the test, removed after it.
async function withBrowser(baseURL, fn) {
  const b = await persistentBrowser(baseURL);
  try {
    await fn(b);
  } finally {
    await b.context.close();
    b.cleanup();
  }
}
// A page of a visitor who consented and gave the name Aiko, stored in IndexedDB.
async function grantedWithName(context) {
  const page = await open(context);
  await page.evaluate(() => window.omotenashi.consent('granted'));
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect.poll(() => storedProfile(page)).toContain('Aiko');
  return page;
}

test('granted: profile persisted in IndexedDB and restored after a browser restart', async ({ baseURL }) => {
  const b1 = await persistentBrowser(baseURL);
  let page = await open(b1.context);
  const errors = watchConsole(page);
  await page.click('#allow');
  await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('granted');
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko', pet: 'dog' }));
  await page.click('#add-bed');
  await expect.poll(() => storedProfile(page)).toContain('Aiko');
  expect(errors).toEqual([]);
  await b1.context.close();

  const b2 = await persistentBrowser(baseURL, b1.userDataDir);
  try {
    page = await open(b2.context);
    await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
    await expect(page.locator('#hero')).toHaveAttribute('src', '/pages/img/dog.svg');
    const data = await page.evaluate(() => window.omotenashi.exportData());
    expect(data.consent).toBe('granted');
    expect(data.profile.profile.fields).toEqual({ name: 'Aiko', pet: 'dog' });
    expect(JSON.stringify(data.profile)).toContain('sku-bed');
    const snap = await storageSnapshot(page);
    expect(snap.databases).toEqual(['/omotenashi']);
    expect(snap.localStorage).toEqual(['omotenashi.consent']);
    expect(snap.cookie).toBe('');
  } finally {
    await b2.context.close();
    b2.cleanup();
  }
});

test('denial erases everything but the choice; forget erases everything', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    let page = await grantedWithName(b.context);

    await page.click('#deny');
    await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('denied');
    await expect.poll(() => storageSnapshot(page)).toEqual({ databases: [], localStorage: ['omotenashi.consent'], sessionStorage: [], cookie: '' });
    expect(await page.evaluate(() => localStorage.getItem('omotenashi.consent'))).toBe('denied');
    await expect(page.locator('#greeting')).toHaveText('Welcome to the shop');
    // Signals while denied write nothing.
    await page.click('#add-bed');
    await flushed(page);
    expect((await storageSnapshot(page)).databases).toEqual([]);
    // The choice holds on the next visit.
    await page.reload();
    await ready(page);
    expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('denied');

    // Granted again, then "forget me": no database, no choice.
    await page.evaluate(() => window.omotenashi.consent('granted'));
    await page.evaluate(() => window.omotenashi.setProfile({ name: 'Ken' }));
    await expect.poll(() => storedProfile(page)).toContain('Ken');
    await page.click('#forget');
    await expect.poll(() => storageSnapshot(page)).toEqual({ databases: [], localStorage: [], sessionStorage: [], cookie: '' });
    expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('pending');
    await expect(page.locator('#greeting')).toHaveText('Welcome to the shop');
    await page.reload();
    await ready(page);
    expect(await page.evaluate(() => window.omotenashi.exportData())).toEqual({ consent: 'pending', profile: null });
  });
});

// Consent changed faster than IndexedDB answers. Reads, writes and erases
// run one at a time, in order (store.post.js): every call settles, and a read
// from before a denial never brings back what the denial erased.
test('consent denied and granted again at once: every call settles, nothing erased comes back', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    const first = await grantedWithName(b.context);   // Aiko is stored
    await first.close();
    // A returning visitor who denies, then grants, before the stored profile is read.
    const page = await b.context.newPage();
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
    await page.addInitScript(() => {
      // Once the read of the stored profile has begun (IDBFS opens the database).
      const open = IDBFactory.prototype.open;
      let toggled = false;
      IDBFactory.prototype.open = function () {
        if (!toggled) {
          toggled = true;
          window.omotenashi.consent('denied');
          window.omotenashi.consent('granted');
        }
        return open.apply(this, arguments);
      };
    });
    await page.goto('/pages/shop.html');
    await ready(page);
    await expect(page.locator('#greeting')).toHaveText('Welcome to the shop');
    expect(await page.evaluate(() => window.omotenashi.exportData().profile.profile.fields)).toEqual({});
    // The same while a ready page re-reads the store (the tab shown again).
    await page.evaluate(() => window.omotenashi.setProfile({ name: 'Ken' }));
    await flushed(page);
    await page.evaluate(() => {
      document.dispatchEvent(new Event('visibilitychange'));   // visible: the store is read again
      window.omotenashi.consent('denied');
      window.omotenashi.consent('granted');
    });
    await page.waitForTimeout(500);
    await expect(page.locator('#greeting')).toHaveText('Welcome to the shop');
    // Then back and forth at once, with signals in between: all settle.
    const settled = await page.evaluate(async () => {
      const o = window.omotenashi, calls = [];
      await o.consent('denied');   // so that each grant reads the store
      for (let i = 0; i < 3; i++) {
        calls.push(o.consent('granted'));
        o.track('add_to_cart', { sku: 'sku-' + i });
        calls.push(o.consent('denied'));
      }
      calls.push(o.consent('granted'));
      const timeout = new Promise((r) => setTimeout(() => r('timed out'), 5000));
      return Promise.race([Promise.all(calls).then(() => 'settled'), timeout]);
    });
    expect(settled).toBe('settled');
    await page.evaluate(() => window.omotenashi.track('add_to_cart', { sku: 'sku-final' }));
    await flushed(page);
    const stored = JSON.parse(await storedProfile(page));
    expect(stored.fields).toEqual({});
    expect(stored.behavior.cart).toEqual({ 'sku-final': 1 });
    expect(warnings).toEqual([]);
  });
});

// IndexedDB that fails late or never answers must not hold up the store's
// queue: a denial after it still erases.
test('a store IndexedDB refuses late, or never answers, does not hold up a denial', async ({ baseURL }) => {
  test.setTimeout(60_000);
  await withBrowser(baseURL, async (b) => {
    // A database of a newer version than IDBFS's: its open fails asynchronously.
    const page = await open(b.context);
    const errors = watchConsole(page);
    await page.evaluate(() => new Promise((r) => { const q = indexedDB.open('/omotenashi', 100); q.onsuccess = () => { q.result.close(); r(); }; }));
    const settle = (call) => page.evaluate((call) => Promise.race([
      window.omotenashi.consent(call).then(() => 'settled'),
      new Promise((r) => setTimeout(() => r('timed out'), 15000))]), call);
    expect(await settle('granted')).toBe('settled');
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toBe('omotenashi: could not read the stored profile: IndexedDB could not be opened');
    expect(await settle('denied')).toBe('settled');
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);
    await page.close();

    // A write IndexedDB never answers (its transaction neither completes nor aborts).
    const second = await grantedWithName(b.context);
    const errors2 = watchConsole(second);
    await second.evaluate(() => {
      const transaction = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (stores, mode) {
        if (mode !== 'readwrite') return transaction.apply(this, arguments);
        return { objectStore: () => ({ put() {} }), commit() {} };
      };
      window.omotenashi.track('add_to_cart', { sku: 'sku-bed' });   // stored at once: the write hangs
    });
    const denied = await second.evaluate(() => Promise.race([
      window.omotenashi.consent('denied').then(() => 'settled'),
      new Promise((r) => setTimeout(() => r('timed out'), 15000))]));
    expect(denied).toBe('settled');   // after the stuck write gave up (10 s)
    expect(errors2).toEqual([]);       // a write cut short by a denial is not an error
    expect(await storedProfile(second)).toBe(null);
  });
});

test('two tabs at once: no signal lost, each sees the other within a second', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    const a = await open(b.context);
    await a.evaluate(() => window.omotenashi.consent('granted'));
    const c = await open(b.context);
    expect(await c.evaluate(() => window.omotenashi.consentState())).toBe('granted');
    // The second tab's page view survives the profile exchange, in both tabs.
    const pages = (page) => page.evaluate(() => window.omotenashi.exportData().profile.profile.session.pages);
    await expect.poll(() => pages(c), { timeout: 1000 }).toBe(2);
    await expect.poll(() => pages(a), { timeout: 1000 }).toBe(2);
    // Both tabs record signals at the same moment.
    const burst = (page, sku) => page.evaluate((sku) => {
      for (let i = 0; i < 10; i++) window.omotenashi.track('view', { sku, category: 'toys' });
    }, sku);
    await Promise.all([burst(a, 'sku-ball'), burst(c, 'sku-food')]);
    const views = (page) => page.evaluate(() => {
      const p = window.omotenashi.exportData().profile.profile.behavior.products;
      return [p['sku-ball'] && p['sku-ball'].v, p['sku-food'] && p['sku-food'].v];
    });
    await expect.poll(() => views(a), { timeout: 1000 }).toEqual([10, 10]);
    await expect.poll(() => views(c), { timeout: 1000 }).toEqual([10, 10]);
    // The stored profile holds both tabs' events.
    await flushed(a);
    await flushed(c);
    await expect.poll(async () => {
      const s = JSON.parse(await storedProfile(a));
      return [s.behavior.products['sku-ball'].v, s.behavior.products['sku-food'].v];
    }).toEqual([10, 10]);
    // A purchase in one tab suppresses the offer in the other within a second.
    await c.evaluate(() => window.omotenashi.track('view', { sku: 'sku-bed' }));
    await expect(a.locator('#promo')).toHaveText('10% off the bed you looked at', { timeout: 1000 });
    await a.click('#buy-bed');
    await expect(c.locator('#promo')).toHaveText('Free shipping over 5000 yen', { timeout: 1000 });
    // A tab opened now starts from the stored profile.
    const d = await open(b.context);
    await expect(d.locator('#promo')).toHaveText('Free shipping over 5000 yen');
    expect(await views(d)).toEqual([10, 10]);
  });
});

test('two tabs: an offer capped once a visit, shown in one tab, is not shown again in the other', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    const a = await grantedWithName(b.context);
    const c = await open(b.context);
    await expect(c.locator('#greeting')).toHaveText('Welcome back, Aiko');
    // A single-page app adds the welcome slot (capped: once a visit) in one tab, then in the other.
    const addWelcome = (page) => page.evaluate(() => {
      const p = document.createElement('p');
      p.id = 'welcome';
      p.setAttribute('data-omo-slot', 'welcome');
      p.textContent = 'Our shop';
      document.body.append(p);
    });
    await addWelcome(a);
    await expect(a.locator('#welcome')).toHaveText('New this week: beds for older dogs');
    await c.waitForTimeout(300);
    await addWelcome(c);
    await expect(c.locator('#welcome')).toHaveText('Our shop');
    await c.waitForTimeout(300);
    await expect(a.locator('#welcome')).toHaveText('New this week: beds for older dogs');   // on screen: stays
    await flushed(c);
    expect(JSON.parse(await storedProfile(c)).caps['welcome/first-look']).toMatchObject({ sc: 1 });
  });
});

test('garbage from another tab (profiles, signals, fields) leaves this tab\'s profile and engine as they were', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    const a = await grantedWithName(b.context);
    const c = await b.context.newPage();
    await c.addInitScript(() => {   // learn the tab id the runtime announces in its 'hello'
      const post = BroadcastChannel.prototype.postMessage;
      BroadcastChannel.prototype.postMessage = function (m) {
        if (m && m.t === 'hello') window.__tabId = m.from;
        return post.apply(this, arguments);
      };
    });
    await c.goto('/pages/shop.html');
    await ready(c);
    await expect(c.locator('#greeting')).toHaveText('Welcome back, Aiko');
    const to = await c.evaluate(() => window.__tabId);
    expect(to).toBeTruthy();
    await a.evaluate((to) => {
      const ch = new BroadcastChannel('omotenashi');
      ch.postMessage({ t: 'state', to, text: '{garbage' });
      ch.postMessage({ t: 'state', to, text: '{"v":99,"deviceId":"x"}' });
      ch.postMessage({ t: 'state', to, text: 42 });
      // Signals and fields that are not JSON data, or not of this day.
      const now = Date.now();
      ch.postMessage({ t: 'signal', s: { type: 'add_to_cart', sku: 'sku-toy', n: 1n }, at: now });
      ch.postMessage({ t: 'signal', s: { type: 'add_to_cart', sku: 'sku-toy' }, at: 'soon' });
      ch.postMessage({ t: 'signal', s: { type: 'add_to_cart', sku: 'sku-toy' }, at: NaN });
      ch.postMessage({ t: 'signal', s: { type: 'add_to_cart', sku: 'sku-toy' }, at: BigInt(now) });
      ch.postMessage({ t: 'signal', s: { type: 'add_to_cart', sku: 'sku-toy' }, at: String(now) });
      ch.postMessage({ t: 'signal', s: { type: 'add_to_cart', sku: 'sku-toy' }, at: 1e300 });
      ch.postMessage({ t: 'profile', fields: { name: 1n }, at: now });
      ch.postMessage({ t: 'profile', fields: { name: 'Mallory' } });
    }, to);
    await c.waitForTimeout(300);
    await c.click('#add-bed');   // a signal: decided again and saved from what the engine holds
    await expect.poll(() => c.evaluate(() => Object.keys(window.omotenashi.exportData().profile.profile.behavior.cart))).toEqual(['sku-bed']);
    await expect(c.locator('#greeting')).toHaveText('Welcome back, Aiko');
    expect(await c.evaluate(() => window.omotenashi.exportData().profile.profile.fields.name)).toBe('Aiko');
    await flushed(c);
    expect(JSON.parse(await storedProfile(c)).fields.name).toBe('Aiko');
  });
});

// Replaces the stored profile file behind the runtime's back: with `text`,
// or (null) with its first 40 bytes.
async function rewriteStored(context, text) {
  const page = await context.newPage();
  await page.goto('/pages/blank.html');
  await page.evaluate((text) => new Promise((resolve, reject) => {
    const req = indexedDB.open('/omotenashi');
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('FILE_DATA', 'readwrite');
      const store = tx.objectStore('FILE_DATA');
      const get = store.get('/omotenashi/profile.json');
      get.onsuccess = () => {
        const v = get.result;
        v.contents = text === null ? v.contents.slice(0, 40) : new TextEncoder().encode(text);
        v.timestamp = new Date();
        store.put(v, '/omotenashi/profile.json');
      };
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), text);
  await page.close();
}

// An init script: every put throws, as on a full disk, while window.failWrites is set.
function failingWrites() {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function () {
    if (window.failWrites) throw new DOMException('the disk is full', 'QuotaExceededError');
    return put.apply(this, arguments);
  };
}

// A write whose transaction IndexedDB aborts (after the put was accepted) is
// reported at once, not after the 10 s a write that never answers gets.
test('a write whose transaction aborts is reported at once', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    const page = await grantedWithName(b.context);
    const errors = watchConsole(page);
    const took = await page.evaluate(() => new Promise((resolve) => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function () {
        const r = put.apply(this, arguments);
        this.transaction.abort();
        return r;
      };
      const t0 = performance.now();
      window.omotenashi.on('error', () => resolve(performance.now() - t0));
      window.omotenashi.track('add_to_cart', { sku: 'sku-bed' });   // a cart change is stored at once
    }));
    expect(took).toBeLessThan(2000);
    expect(errors).toEqual([expect.stringMatching(/^omotenashi: could not store the profile: /)]);
    expect(await storedProfile(page)).not.toContain('sku-bed');
  });
});

// A write IndexedDB refuses (a full disk, a quota) is reported, and the
// profile is written again at the next save: the page is hidden, say.
test('a failed write is reported and retried at the next save', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    await b.context.addInitScript(failingWrites);
    const page = await grantedWithName(b.context);
    const errors = watchConsole(page);
    await page.evaluate(() => {
      window.failWrites = true;
      // No product on the page: hiding it then records no dwell, so nothing
      // new is left to save but what failed.
      document.querySelector('[data-omo-product]').remove();
      window.omotenashi.track('add_to_cart', { sku: 'sku-bed' });   // a cart change is stored at once
    });
    await expect.poll(() => errors.length).toBe(1);
    await page.waitForTimeout(500);   // the debounced save of the removed product's dwell fails too
    expect(errors[0]).toMatch(/^omotenashi: could not store the profile: .*the disk is full/);
    expect(await storedProfile(page)).not.toContain('sku-bed');
    await page.evaluate(() => { window.failWrites = false; });
    await flushed(page);
    expect(JSON.parse(await storedProfile(page)).behavior.cart).toEqual({ 'sku-bed': 1 });
  });
});

// A profile form is marked saved only when its fields are stored: a write
// IndexedDB refused marked it saved all the same (setProfile() resolves once
// the write has ended, stored or not), and a site showing "Saved" on it told
// the visitor something untrue. It names the problem instead.
test('a profile form whose write fails is not marked saved', async ({ page }) => {
  await page.addInitScript(failingWrites);
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.click('#allow');
  await expect.poll(() => storedProfile(page)).not.toBe(null);
  await page.evaluate(() => { window.failWrites = true; });
  await page.fill('#name', 'Ken');
  await page.click('#save');
  await expect(page.locator('#profile')).toHaveAttribute('data-omo-error', /could not store the profile: .*the disk is full/);
  await expect(page.locator('#profile')).not.toHaveAttribute('data-omo-saved', '');
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Ken');   // the fields apply to this page
  await page.evaluate(() => { window.failWrites = false; });
  await page.click('#save');
  await expect(page.locator('#profile')).toHaveAttribute('data-omo-saved', '');
  await expect(page.locator('#profile')).not.toHaveAttribute('data-omo-error', /./);
  expect(JSON.parse(await storedProfile(page)).fields).toEqual({ name: 'Ken' });
});

// IndexedDB refusing to open (a browser's private mode, a broken profile
// directory): reported once; the page is personalized from memory and nothing
// blindly overwrites what could not be read.
test('a store that cannot be read is reported once; the page still personalizes', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => {
    localStorage.setItem('omotenashi.consent', 'granted');
    IDBFactory.prototype.open = function () { throw new DOMException('storage is switched off', 'InvalidStateError'); };
  });
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }));
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await page.evaluate(() => new Promise((r) => { dispatchEvent(new Event('pagehide')); setTimeout(r, 300); }));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^omotenashi: could not read the stored profile: .*storage is switched off/);
});

test('a profile stored by a newer version is left as it is, not overwritten', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    let page = await grantedWithName(b.context);
    await page.close();
    const newer = '{"v":99,"deviceId":"from-the-future","fields":{"name":"Aiko"}}';
    await rewriteStored(b.context, newer);
    page = await b.context.newPage();
    await page.addInitScript(() => {
      window.__errors = [];
      document.addEventListener('omotenashi:error', (e) => window.__errors.push(e.detail.message));
    });
    await page.goto('/pages/shop.html');
    await ready(page);
    const errs = await page.evaluate(() => window.__errors);
    expect(errs.length).toBe(1);
    expect(errs[0]).toMatch(/newer version.*nothing is stored/);
    // The page works from an in-memory profile; the newer file is untouched.
    await page.click('#add-bed');
    await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
    await flushed(page);
    expect(await storedProfile(page)).toBe(newer);
  });
});

test('a corrupted stored profile is reported once and replaced by an empty one', async ({ baseURL }) => {
  await withBrowser(baseURL, async (b) => {
    let page = await grantedWithName(b.context);
    await page.close();
    // Truncate the stored file behind the runtime's back.
    await rewriteStored(b.context, null);
    page = await b.context.newPage();
    const consoleErrors = watchConsole(page);
    await page.addInitScript(() => {
      window.__errors = [];
      document.addEventListener('omotenashi:error', (e) => window.__errors.push(e.detail.message));
    });
    await page.goto('/pages/shop.html');
    await ready(page);
    await expect(page.locator('#greeting')).toHaveText('Welcome to the shop');
    const errs = await page.evaluate(() => window.__errors);
    expect(errs.length).toBe(1);
    expect(errs[0]).toMatch(/stored profile/);
    expect(consoleErrors.length).toBe(1);
    // Replaced by a valid empty profile; the page keeps working.
    await expect.poll(async () => { try { return !!JSON.parse(await storedProfile(page)).v; } catch { return false; } }).toBe(true);
    await page.click('#add-bed');
    await expect(page.locator('#greeting')).toHaveText('Your cart is waiting');
  });
});

async function reportsReceived(request) {
  return (await (await request.get('/__reports')).json());
}

test('reports: sent after the window closes with consent; never with GPC or while pending', async ({ baseURL, request }) => {
  await withBrowser(baseURL, async (b) => {
    await request.delete('/__reports');
    await storedCatOwner(b.context);
    // Eight days later, with Global Privacy Control on: nothing leaves.
    let page = await b.context.newPage();
    await shiftClock(page, 8);
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    await page.goto('/pages/shop.html');
    await ready(page);
    await flushed(page);
    expect(await reportsReceived(request)).toEqual([]);
    await page.close();
    // Without GPC: one batch of the shape of SPEC section 6, credentials omitted.
    page = await b.context.newPage();
    await shiftClock(page, 8);
    // The encoded reports are stored before the request leaves: on this page, a
    // write to IndexedDB has been committed (its transaction completed, not
    // only its put succeeded) before the report fetch is made.
    await page.addInitScript(() => {
      window.__order = [];
      let unfinished = 0;   // read-write transactions begun and not yet completed
      const transaction = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (scope, mode) {
        const tx = transaction.apply(this, arguments);
        if (mode === 'readwrite') {
          ++unfinished;
          tx.addEventListener('complete', () => { --unfinished; window.__order.push('write'); });
        }
        return tx;
      };
      const f = window.fetch;
      window.fetch = function (url) {
        if (String(url).includes('/v1/reports')) window.__order.push(unfinished ? 'fetch before commit' : 'fetch');
        return f.apply(this, arguments);
      };
    });
    await page.goto('/pages/shop.html');
    await ready(page);
    await expect.poll(async () => (await reportsReceived(request)).length).toBe(1);
    const [{ batch, headers }] = await reportsReceived(request);
    const order = await page.evaluate(() => window.__order);
    expect(order).toContain('fetch');
    expect(order.indexOf('write')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('write')).toBeLessThan(order.indexOf('fetch'));
    // What was encoded stays recorded in the store (the pending report itself
    // may already be acknowledged and gone by now).
    expect(JSON.parse(await storedProfile(page)).measure.reported['pet-mix']).toBe(batch.reports[0].win);
    expect(headers.cookie).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
    expect(batch.site).toBe('testshop');
    expect(batch.reports[0]).toMatchObject({ task: 'pet-mix', mech: 'grr' });
    expect(Object.keys(batch.reports[0]).sort()).toEqual(['cfg', 'd', 'eps', 'mech', 'rid', 'task', 'win', 'y']);
    // Acknowledged: not sent again.
    await flushed(page);
    await page.reload();
    await ready(page);
    await flushed(page);
    expect((await reportsReceived(request)).length).toBe(1);
  });
});

test('two tabs across a week\'s end: one report per task and window leaves the device', async ({ baseURL, request }) => {
  await withBrowser(baseURL, async (b) => {
    await request.delete('/__reports');
    // Tab B opens in this week, with consent and a pet to measure.
    const tabB = await b.context.newPage();
    await shiftClock(tabB, 0);
    await tabB.goto('/pages/shop.html');
    await ready(tabB);
    await tabB.evaluate(() => window.omotenashi.consent('granted'));
    await tabB.evaluate(() => window.omotenashi.setProfile({ pet: 'cat' }));
    await flushed(tabB);
    // Eight days later a new tab A opens (a link opened in the background):
    // the week has closed, so A encodes and sends its report.
    const tabA = await b.context.newPage();
    await shiftClock(tabA, 8);
    await tabA.goto('/pages/shop.html');
    await ready(tabA);
    await expect.poll(async () => (await reportsReceived(request)).length).toBe(1);
    // Tab B, open all along, is hidden eight days later too: it must not
    // randomize the same window a second time.
    await tabB.evaluate(() => { window.__shift = 8 * 864e5; });
    await flushed(tabB);
    await flushed(tabA);
    const rids = new Set();
    for (const { batch } of await reportsReceived(request))
      for (const r of batch.reports) if (r.task === 'pet-mix') rids.add(r.win + ' ' + r.rid);
    expect([...rids]).toHaveLength(1);
  });
});

test('tabs restored at once after a week\'s end: one report per task and window leaves the device', async ({ baseURL, request }) => {
  await withBrowser(baseURL, async (b) => {
    await request.delete('/__reports');
    await storedCatOwner(b.context);
    // Eight days later the browser restores three of the shop's tabs at once.
    const tabs = await Promise.all([0, 1, 2].map(() => b.context.newPage()));
    for (const t of tabs) await shiftClock(t, 8);
    await Promise.all(tabs.map((t) => t.goto('/pages/shop.html')));
    await Promise.all(tabs.map((t) => ready(t)));
    await expect.poll(async () => (await reportsReceived(request)).length).toBeGreaterThan(0);
    for (const t of tabs) await flushed(t);
    const rids = new Set();
    for (const { batch } of await reportsReceived(request))
      for (const r of batch.reports) if (r.task === 'pet-mix') rids.add(r.win + ' ' + r.rid);
    expect([...rids]).toHaveLength(1);
  });
});

test('a page that cannot store sends no reports: they could not be kept for a retry', async ({ page, request }) => {
  await request.delete('/__reports');
  await page.addInitScript(() => {
    localStorage.setItem('omotenashi.consent', 'granted');
    IDBFactory.prototype.open = function () { throw new DOMException('storage is switched off', 'InvalidStateError'); };
  });
  await shiftClock(page, 0);
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.evaluate(() => window.omotenashi.setProfile({ pet: 'cat' }));
  // The week closes while the page is open; then the page is hidden.
  await page.evaluate(() => { window.__shift = 8 * 864e5; });
  await flushed(page);
  expect(await reportsReceived(request)).toEqual([]);
});

test('consent platforms: IAB TCF v2.2 purposes and Google Consent Mode v2', async ({ page }) => {
  const errors = watchConsole(page);
  await page.addInitScript(() => { window.__tcfConsents = { 1: true, 5: true, 6: true }; });
  await page.goto('/pages/tcf.html');
  await ready(page);
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('granted');
  await page.evaluate(() => window.__tcfUpdate({ 1: true, 5: false, 6: true }));
  await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('denied');
  await expect.poll(async () => (await storageSnapshot(page)).databases).toEqual([]);
  // Publisher consents set by the CMP rule, even all refused: the vendor purposes do not override them.
  await page.evaluate(() => localStorage.clear());
  await page.addInitScript(() => {
    window.__tcfConsents = { 1: false, 5: false, 6: false };
    window.__tcfPurposes = { 1: true, 5: true, 6: true };
  });
  await page.reload();
  await ready(page);
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('denied');

  // Consent Mode: gtag('consent', ...) pushes an arguments object.
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.evaluate(() => { window.gtag = function () { window.dataLayer.push(arguments); }; });
  await page.evaluate(() => window.gtag('consent', 'default', { personalization_storage: 'denied', analytics_storage: 'denied' }));
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('denied');   // the stored choice from above
  await page.evaluate(() => window.gtag('consent', 'update', { personalization_storage: 'granted' }));
  await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('granted');
  await page.evaluate(() => window.gtag('consent', 'update', { personalization_storage: 'denied' }));
  await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('denied');
  // A site's defaults, pushed on every page, do not undo the visitor's denial;
  // nor does a default for some regions only, or an unknown consent command.
  await page.evaluate(() => {
    window.gtag('consent', 'default', { personalization_storage: 'granted' });
    window.gtag('consent', 'revoke', { personalization_storage: 'granted' });   // not a Consent Mode command
  });
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('denied');
  await page.evaluate(() => window.omotenashi.forget());
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('pending');
  await page.evaluate(() => window.gtag('consent', 'default', { personalization_storage: 'granted', region: ['JP'] }));
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('pending');
  await page.evaluate(() => window.gtag('consent', 'default', { personalization_storage: 'granted' }));
  await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('granted');

  // A CMP whose script comes after ours (here: at the end of the body) is
  // found once the page is parsed.
  await page.evaluate(() => localStorage.clear());
  await page.addInitScript(() => { window.__tcfConsents = { 1: true, 5: true, 6: true }; });
  const stub = '<script src="/pages/tcf-stub.js"></script>';
  await pageVariant(page, 'tcf-late', 'tcf', (html) => html.replace(stub, '').replace('</body>', `${stub}</body>`));
  await page.goto('/pages/tcf-late.html');
  await ready(page);
  expect(await page.evaluate(() => document.body.lastElementChild.src)).toMatch(/tcf-stub\.js$/);
  await expect.poll(() => page.evaluate(() => window.omotenashi.consentState())).toBe('granted');
  expect(errors).toEqual([]);
});

// A change made just before the visitor leaves the page is on the next page.
// Saves waited 250 ms (debounced), and one started as the page hides does not
// finish: IDBFS reads IndexedDB before it writes, and the page is gone by
// then. The name saved from a form, then a link followed at once, was lost
// (0 of 4 at 0-50 ms, in the demo). Declared fields, consent and cart or
// purchase signals are now written at once, and setProfile() resolves once
// the fields are stored.
test('a change made just before leaving the page is on the next page', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/pages/shop.html');
  await ready(page);
  await page.evaluate(() => window.omotenashi.consent('granted'));
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko' }).then(() => { location.href = '/pages/shop.html?next'; }));
  await page.waitForURL('**/shop.html?next');
  await ready(page);
  expect((await page.evaluate(() => window.omotenashi.exportData())).profile.profile.fields).toEqual({ name: 'Aiko' });
  // A button that adds to the cart and leaves at once (a link to the cart).
  await page.evaluate(() => {
    window.omotenashi.track('add_to_cart', { sku: 'sku-bed' });
    location.href = '/pages/shop.html?cart';
  });
  await page.waitForURL('**/shop.html?cart');
  await ready(page);
  expect((await page.evaluate(() => window.omotenashi.exportData())).profile.profile.behavior.cart).toEqual({ 'sku-bed': 1 });
  expect(errors).toEqual([]);
});
