// The shop as a visitor meets it beyond the scenarios of docs/demo.md: the
// form and the header together, a phone, the keyboard, Japanese. Each test
// is a problem found by walking through the demo in Chromium.
import { test, expect } from '@playwright/test';
import { open, stored, freshVisitor, saveProfile } from './helpers.mjs';

test('a region picked in the header survives saving the form for a name', async ({ page }) => {
  await freshVisitor(page);
  await page.selectOption('#region-select', 'hokkaido');
  await expect(page.locator('#region-source')).toHaveText('Hokkaido (saved in your profile)');
  // The form's region is folded away under "More, if you like": the visitor
  // only types a name. It sent "guess from my time zone" and erased Hokkaido.
  await saveProfile(page, { name: 'Ken' });
  expect((await stored(page)).fields).toMatchObject({ name: 'Ken', region: 'hokkaido' });
  await expect(page.locator('#region-select')).toHaveValue('hokkaido');
  await expect(page.locator('#region-source')).toHaveText('Hokkaido (saved in your profile)');
});

// What the centre of each footer link hits once the page is scrolled to its end.
async function footerReach(page) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  return page.evaluate(() => [...document.querySelectorAll('.site-footer a, .site-footer button')].map((e) => {
    const r = e.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return [e.textContent.trim(), !!hit && (hit === e || e.contains(hit)) ? 'reachable' : 'covered'];
  }));
}

test('before a choice, the consent banner leaves the footer reachable (phone and desktop)', async ({ browser }) => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 860 }]) {
    const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'Asia/Tokyo' });
    const page = await context.newPage();
    for (const path of ['/', '/cart/']) {
      await open(page, path);
      await expect(page.locator('#consent-banner')).toBeVisible();
      // On a phone the header's links are folded away: the footer is the only
      // way to "Your data" and the dashboard. The fixed banner covered it.
      expect(await footerReach(page), `${viewport.width}px ${path}`).toEqual([
        ['Your data', 'reachable'], ["Owner's dashboard (simulated traffic)", 'reachable'], ['Forget me', 'reachable'],
      ]);
    }
    await context.close();
  }
});
