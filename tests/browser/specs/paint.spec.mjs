// First paint of a returning visitor, frame by frame. It races the runtime's
// 400 ms failsafe, so it runs as its own project after all the others
// (playwright.config.mjs): no other browser competes for the machine's cores.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, DEFAULTS, grantedShop } from './helpers.mjs';

test('returning visitor: personalized in the first paint, default never visible, CLS 0', async ({ page }) => {
  const errors = watchConsole(page);
  await grantedShop(page);
  await page.evaluate(() => window.omotenashi.setProfile({ name: 'Aiko', pet: 'dog' }));
  await page.evaluate(() => new Promise((r) => { dispatchEvent(new Event('pagehide')); setTimeout(r, 500); }));
  // Watch every frame from the start of the next navigation.
  await page.addInitScript(() => {
    window.__frames = [];
    window.__cls = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__cls += e.value; }))
      .observe({ type: 'layout-shift', buffered: true });
    const sample = () => {
      const g = document.getElementById('greeting');
      if (g) window.__frames.push({ text: g.textContent, visible: getComputedStyle(g).visibility === 'visible' });
      if (window.__frames.length < 600) requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  await page.reload();
  await ready(page);
  await expect(page.locator('#greeting')).toHaveText('Welcome back, Aiko');
  await page.waitForTimeout(300);
  const frames = await page.evaluate(() => window.__frames);
  const shownDefault = frames.filter((f) => f.visible && f.text === DEFAULTS.greeting);
  expect(frames.length).toBeGreaterThan(0);
  expect(shownDefault).toEqual([]);
  expect(frames.find((f) => f.visible).text).toBe('Welcome back, Aiko');
  expect(await page.evaluate(() => window.__cls)).toBe(0);
  expect(errors).toEqual([]);
});
