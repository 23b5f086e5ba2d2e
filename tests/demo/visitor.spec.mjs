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
