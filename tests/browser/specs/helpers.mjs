// Shared helpers of the browser tests.
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config.mjs';

// The shop test page's own content (tests/browser/pages/shop.html).
export const DEFAULTS = { greeting: 'Welcome to the shop', promo: 'Free shipping over 5000 yen', study: 'Browse our catalog' };

export async function grant(page) {
  await page.evaluate(() => window.omotenashi.consent('granted'));
}

// Collects console errors and page errors; the test asserts on the list.
export function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

// A browser with a real profile directory: IndexedDB survives close() and a
// new launch on the same directory (a browser restart).
export async function persistentBrowser(baseURL, dir) {
  const userDataDir = dir || mkdtempSync(join(tmpdir(), 'omo-pw-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.OMO_CHROMIUM || '/usr/bin/chromium',
    args: chromiumArgs,
    baseURL,
  });
  return { context, userDataDir, cleanup: () => rmSync(userDataDir, { recursive: true, force: true }) };
}

// Everything a page can see of its own storage.
export async function storageSnapshot(page) {
  return page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    localStorage: Object.keys(localStorage),
    sessionStorage: Object.keys(sessionStorage),
    cookie: document.cookie,
  }));
}

export async function ready(page) {
  await page.waitForFunction(() => window.omotenashi && window.omotenashi.ready);
  await page.evaluate(() => window.omotenashi.ready);
}

// The shop test page, ready, with the visitor's consent granted.
export async function grantedShop(page) {
  await page.goto('/pages/shop.html');
  await ready(page);
  await grant(page);
}

// The stored profile, read straight from IndexedDB (IDBFS's object store).
export async function storedProfile(page) {
  return page.evaluate(() => new Promise((resolve) => {
    indexedDB.databases().then((dbs) => {
      if (!dbs.some((d) => d.name === '/omotenashi')) return resolve(null);
      const req = indexedDB.open('/omotenashi');
      req.onsuccess = () => {
        const db = req.result;
        const tx = db.transaction('FILE_DATA', 'readonly');
        const get = tx.objectStore('FILE_DATA').get('/omotenashi/profile.json');
        get.onsuccess = () => {
          db.close();
          const v = get.result;
          resolve(v && v.contents ? new TextDecoder().decode(v.contents) : null);
        };
        get.onerror = () => { db.close(); resolve(null); };
      };
      req.onerror = () => resolve(null);
    });
  }));
}

// A new page of `context` at `path`, once the engine is ready.
export async function open(context, path = '/pages/shop.html') {
  const page = await context.newPage();
  await page.goto(path);
  await ready(page);
  return page;
}

// The page as it is hidden: dwell, reports and the profile flushed (half a second).
export const flushed = (page) => page.evaluate(() => new Promise((r) => { dispatchEvent(new Event('pagehide')); setTimeout(r, 500); }));

// A visitor who allowed personalization and told the shop she has a cat (the
// field the test rules measure), stored; her page is closed again.
export async function storedCatOwner(context) {
  const page = await open(context);
  await page.evaluate(() => window.omotenashi.consent('granted'));
  await page.evaluate(() => window.omotenashi.setProfile({ pet: 'cat' }));
  await flushed(page);
  await page.close();
}

// Moves the page's clock (Date.now) `days` ahead from its first script on;
// setting window.__shift (ms) moves it again later.
export const shiftClock = (page, days) => page.addInitScript((days) => {
  window.__shift = days * 864e5;
  const now = Date.now;
  Date.now = () => now() + window.__shift;
}, days);

// Serves /pages/NAME.html: the test page FROM.html with edit(html) applied.
export async function pageVariant(page, name, from, edit) {
  await page.route(`**/pages/${name}.html`, async (route) => {
    const res = await route.fetch({ url: route.request().url().replace(`/${name}.html`, `/${from}.html`) });
    await route.fulfill({ response: res, body: edit(await res.text()) });
  });
}
