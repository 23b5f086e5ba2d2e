// Shared steps of the demo scenarios.
import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SHOTS = resolve(process.env.DEMO_SHOTS || join(here, '../../build/demo-screenshots'));
mkdirSync(SHOTS, { recursive: true });

export async function shot(page, name, opts = {}) {
  await page.waitForTimeout(150);   // let the last paint settle
  await page.screenshot({ path: join(SHOTS, name + '.png'), ...opts });
}

// Opens a page of the shop and waits until the engine's first decisions are
// on it and the shop has drawn its parts.
export async function open(page, path) {
  await page.goto(path);
  await page.waitForSelector('html[data-demo-ready]');
}

export const decide = (page, slot) => page.evaluate((s) => window.omotenashi.decide(s), slot);
export const consentState = (page) => page.evaluate(() => window.omotenashi.consentState());
export const stored = (page) => page.evaluate(() => {
  const d = window.omotenashi.exportData();
  return d.profile && d.profile.profile;
});

// A holdout visitor (5% of devices, demo/rules.json) sees the shop's defaults
// everywhere: the control group. Before consent every page view is a new
// device, so a scenario about personalization loads the page again.
export async function openPersonalized(page, path) {
  for (let i = 0; i < 8; i++) {
    await open(page, path);
    if (!(await inHoldout(page))) return;
  }
  throw new Error('holdout on every load');
}
// "seasonal" always has a variant (all-year has no condition) unless the
// device is in the holdout or offers pause after an order.
export async function inHoldout(page) {
  return page.evaluate(() => {
    const d = window.omotenashi.decide('seasonal');
    return !!d && d.variant === 'default' && d.reason && d.reason.rule === 'default' &&
      !(window.omotenashi.exportData().profile || {}).profile?.behavior?.purchaseCount;
  });
}

// Waits until the profile on this page has reached IndexedDB (the runtime
// saves 250 ms after a change), so that the next page finds it: polls the
// stored file (Emscripten IDBFS: database "/omotenashi", store FILE_DATA)
// until it equals exportData(). Only with consent: otherwise there is
// nothing to wait for, and opening the database would create it.
export async function settle(page) {
  await expect.poll(() => page.evaluate(isStored), { intervals: [100], timeout: 8000 }).toBe(true);
}
async function isStored() {
  {
    const d = window.omotenashi.exportData();
    if (!d.profile) return true;
    const want = JSON.stringify(d.profile.profile);
    const text = await new Promise((resolve) => {
      const req = indexedDB.open('/omotenashi');
      req.onerror = () => resolve('');
      req.onsuccess = () => {
        const db = req.result;
        try {
          const get = db.transaction('FILE_DATA', 'readonly').objectStore('FILE_DATA').get('/omotenashi/profile.json');
          get.onsuccess = () => { db.close(); const v = get.result; resolve(v && v.contents ? new TextDecoder().decode(v.contents) : ''); };
          get.onerror = () => { db.close(); resolve(''); };
        } catch (e) { db.close(); resolve(''); }
      };
    });
    try { return !!text && JSON.stringify(JSON.parse(text)) === want; } catch (e) { return false; }
  }
}

// A new visitor who allowed personalization, out of the holdout, and (when
// asked) in the wanted arm of the greeting experiment ("plain" | "named").
export async function freshVisitor(page, { arm } = {}) {
  for (let i = 0; i < 16; i++) {
    await open(page, '/');
    if ((await consentState(page)) !== 'granted') {
      await page.click('#consent-banner [data-omo-consent="granted"]');
      await expect.poll(() => consentState(page)).toBe('granted');
      await settle(page);
    }
    const s = await stored(page);
    const armIndex = s && s.experiments ? s.experiments['greeting-test'] : undefined;
    const ok = !(await inHoldout(page)) && (arm === undefined || armIndex === (arm === 'named' ? 1 : 0));
    if (ok) return;
    if (process.env.DEMO_DEBUG) console.log(`freshVisitor: try ${i + 1} arm=${armIndex}`);
    await page.evaluate(() => window.omotenashi.forget());
  }
  throw new Error('no fresh visitor in the wanted arm');
}

// Fills and saves the profile form on the home page.
export async function saveProfile(page, { name, pet, region, channel }) {
  if (name !== undefined) await page.fill('#f-name', name);
  if (pet) await page.click(`.pet-options input[value="${pet}"] + span`);
  if (region || channel) {
    await page.click('#profile-form summary');
    if (region) await page.selectOption('#f-region', region);
    if (channel) await page.selectOption('#f-channel', channel);
  }
  await page.click('#profile-form button[type="submit"]');
  await expect(page.locator('#profile-form')).toHaveAttribute('data-omo-saved', '');
}

// Everything this origin keeps in the browser.
export async function storage(page) {
  return page.evaluate(async () => ({
    cookies: document.cookie,
    local: Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]),
    session: Object.keys(sessionStorage),
    databases: (await indexedDB.databases()).map((d) => d.name),
  }));
}

// Records every request the page makes from now on.
export function recordRequests(page) {
  const seen = [];
  const on = (r) => seen.push(r.method() + ' ' + r.url());
  page.on('request', on);
  return { seen, stop: () => page.off('request', on) };
}
