// The shop as a visitor meets it beyond the scenarios of docs/demo.md: the
// form and the header together, a phone, the keyboard, Japanese. Each test
// is a problem found by walking through the demo in Chromium.
import { test, expect } from '@playwright/test';
import { open, openPersonalized, stored, freshVisitor, saveProfile, settle } from './helpers.mjs';

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
      // A landmark a screen reader lists by its question: as a dialog that
      // never took the focus it was never announced.
      await expect(page.getByRole('region', { name: /^May this shop remember what you like\?/ })).toBeVisible();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      // On a phone the header's links are folded away: the footer is the only
      // way to "Your data" and the dashboard. The fixed banner covered it.
      expect(await footerReach(page), `${viewport.width}px ${path}`).toEqual([
        ['Your data', 'reachable'], ["Owner's dashboard (simulated traffic)", 'reachable'], ['Forget me', 'reachable'],
      ]);
    }
    await context.close();
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  const pageWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth);

  test('a long name without spaces in the greeting does not widen the page past the screen', async ({ page }) => {
    await freshVisitor(page);
    const name = 'Aiko.Yamamoto.Setagaya@example'.padEnd(40, 'x');
    await saveProfile(page, { name });
    await settle(page);
    // 05:00 on a phone (the rules' preview): the greeting uses the name in either arm of the test.
    for (const path of ['/?omo_now=05:00&omo_device=mobile', '/privacy/?omo_now=05:00&omo_device=mobile']) {
      await open(page, path);
      await expect(page.locator('[data-omo-slot="greeting"]')).toContainText(name);
      expect(await pageWidth(page), path).toBeLessThanOrEqual(390);
    }
  });

  test('the region list keeps its name, out of sight', async ({ page }) => {
    await open(page, '/');
    // Its visible label is hidden on a phone; display: none took the list's name away too.
    await expect(page.getByRole('combobox', { name: 'Your store region' })).toBeVisible();
    await expect(page.locator('.region-picker > span')).not.toBeInViewport();
    await page.click('#lang-toggle');
    await expect(page.getByRole('combobox', { name: 'お近くの店舗' })).toBeVisible();
  });

  test('"What is stored?" opened on Your data does not widen the page past the screen', async ({ page }) => {
    await freshVisitor(page);
    await open(page, '/privacy/');
    await page.locator('omotenashi-controls [data-part="show"]').click();
    await page.locator('omotenashi-controls [data-part="json"] summary').click();
    await expect(page.locator('omotenashi-controls pre')).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  });
});

test('help at the cart in Japanese names no channel in English', async ({ page }) => {
  await freshVisitor(page);
  await saveProfile(page, { channel: 'phone' });
  await settle(page);
  // Back at the cart a second time without buying: a person offers help (scenario 5b).
  for (const path of ['/products/dog-leash/', '/cart/', '/', '/cart/?lang=ja']) {
    await open(page, path);
    if (path === '/products/dog-leash/') await page.click('#add-to-cart');
    await settle(page);
  }
  await expect(page.locator('#help-banner')).toBeVisible();
  // It said "…お手伝いします（phone）。": the profile's value, in English.
  await expect(page.locator('[data-omo-slot="help"]')).toHaveText('ご注文前のご質問はありませんか？店舗スタッフがお手伝いします。');
  await expect(page.locator('#help-actions [data-help="phone"]')).toHaveText('電話する');
});

test('a consent choice made with the keyboard leaves the focus where the choice shows', async ({ page }) => {
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return e.id || e.className || e.tagName;
  });
  // The banner: it hides, and the focus fell to <body> (a screen reader heard nothing of the choice).
  await open(page, '/');
  await page.locator('#consent-banner [data-omo-consent="granted"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#consent-banner')).toBeHidden();
  expect(await focused()).toBe('state');
  await expect(page.locator('.site-footer .state')).toHaveText('Personalization: on');
  await page.evaluate(() => window.omotenashi.forget());

  // The form's own question ("Allow and save"): the focus goes on to Save.
  await open(page, '/');
  await page.fill('#f-name', 'Sora');
  await page.locator('#profile-form button[type="submit"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('#form-consent [data-omo-consent="granted"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#form-status')).toHaveText('Saved, on this device only.');
  await expect(page.locator('#profile-form button[type="submit"]')).toBeFocused();
  await page.evaluate(() => window.omotenashi.forget());

  // With a mouse nothing moves: the page does not jump to the footer.
  await open(page, '/');
  const y = await page.evaluate(() => window.scrollY);
  await page.click('#consent-banner [data-omo-consent="denied"]');
  await expect(page.locator('#consent-banner')).toBeHidden();
  expect(await page.evaluate(() => window.scrollY)).toBe(y);
});

test.describe('in a Japanese browser', () => {
  test.use({ locale: 'ja-JP' });

  test('the product picture is named in Japanese, and lists of products use the Japanese comma', async ({ page }) => {
    await open(page, '/products/cat-tower/');
    await expect(page.locator('h1')).toHaveText('キャットタワー');
    // A screen reader heard the picture as "Cat tower".
    await expect(page.locator('.product-image img')).toHaveAttribute('alt', 'キャットタワー');
    // Your data: "今週の人気商品 — サーモンドッグフード, まぐろキャットフード, 反射リード".
    await openPersonalized(page, '/privacy/');
    await expect(page.locator('#why-list [data-why="seasonal"] .now')).toHaveText(/^[^,]+ — [^,]+、[^,]+、[^,]+$/);
  });

  test('"Forget me" and "Why am I seeing this?" have one name each in Japanese', async ({ page }) => {
    await openPersonalized(page, '/privacy/');
    // The footer said 忘れて（データを消去）, the promise 「忘れて」ボタン, Your data すべて消去する.
    const forget = await page.locator('omotenashi-controls [data-part="forget"]').textContent();
    await expect(page.locator('footer [data-omo-forget]')).toHaveText(forget);
    // The buttons say なぜこれが表示されているの？, Your data's heading and the promise なぜ表示されるの？
    const why = await page.locator('omotenashi-why button').first().textContent();
    await expect(page.locator('[data-i18n="privacy.why"]')).toHaveText(why);
    await open(page, '/');
    await expect(page.locator('[data-i18n="promise.forget"]')).toContainText(`「${forget}」`);
    await expect(page.locator('[data-i18n="promise.why"]')).toContainText(`「${why}」`);
  });
});

test.describe('in a Japanese browser, on a phone', () => {
  test.use({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });

  test('at 05:00 the greeting adds さん to a name, and not to お客様', async ({ page }) => {
    const fiveAm = '/?omo_now=05:00&omo_device=mobile';   // the rules' preview
    const greeting = page.locator('[data-omo-slot="greeting"]');
    // Urgent, in the shop's red, with or without a name (the red was tied to one variant id).
    const red = () => greeting.evaluate((e) => getComputedStyle(e).color);
    await open(page, fiveAm);
    await expect(greeting).toHaveText('お客様、早起きですね。お急ぎですか？獣医ラインは今つながります。');
    expect(await red()).toBe('rgb(184, 67, 44)');
    await freshVisitor(page);
    await saveProfile(page, { name: '愛子' });
    await settle(page);
    await open(page, fiveAm);
    // It said 「愛子、早起きですね。」: a bare first name, rude from a shop.
    await expect(greeting).toHaveText('愛子さん、早起きですね。お急ぎですか？獣医ラインは今つながります。');
    expect(await red()).toBe('rgb(184, 67, 44)');
  });

  test('the main picture of the home page is described in Japanese, also after a personal one', async ({ page }) => {
    const hero = page.locator('img.hero-img');
    const rug = 'ラグの上で一緒にくつろぐ犬と猫とうさぎ';
    await open(page, '/');
    await expect(hero).toHaveAttribute('src', '/img/hero-default.svg');
    // A screen reader heard "A dog, a cat and a rabbit resting together on a rug" on a Japanese page.
    await expect(hero).toHaveAttribute('alt', rug);
    await page.click('#lang-toggle');
    await expect(hero).toHaveAttribute('alt', 'A dog, a cat and a rabbit resting together on a rug');
    await page.click('#lang-toggle');
    await expect(hero).toHaveAttribute('alt', rug);
    // The dog of the rules, then back to the page's own picture. This page
    // starts in English: the engine keeps the English alt as the default.
    await freshVisitor(page);
    await open(page, '/?lang=en');
    await page.click('#lang-toggle');
    await saveProfile(page, { pet: 'dog' });
    await expect(hero).toHaveAttribute('src', '/img/hero-dog.svg');
    await expect(hero).toHaveAttribute('alt', 'ボールを持った元気な犬');
    await page.click('#lang-toggle');
    await expect(hero).toHaveAttribute('alt', 'A happy dog with a ball');
    await page.click('#lang-toggle');
    await page.click('footer [data-omo-forget]');
    await expect(hero).toHaveAttribute('src', '/img/hero-default.svg');
    await expect(hero).toHaveAttribute('alt', rug);
  });

  test('every page has a Japanese title, and the menu a Japanese name', async ({ page }) => {
    // The tab, the history and a screen reader said "Your cart · Omotenashi Pet Supply".
    for (const [path, title] of [
      ['/', 'オモテナシ・ペットサプライ'],
      ['/cart/', 'カート · オモテナシ・ペットサプライ'],
      ['/privacy/', 'あなたのデータ · オモテナシ・ペットサプライ'],
      ['/products/cat-tower/', 'キャットタワー · オモテナシ・ペットサプライ'],
    ]) {
      await open(page, path);
      await expect(page, path).toHaveTitle(title);
      // The header's links were a navigation named "Main".
      await expect(page.locator('nav.main-nav'), path).toHaveAttribute('aria-label', 'メインメニュー');
    }
    await page.click('#lang-toggle');
    await expect(page).toHaveTitle('Cat tower · Omotenashi Pet Supply');
    await open(page, '/cart/?lang=en');
    await expect(page).toHaveTitle('Your cart · Omotenashi Pet Supply');
    await expect(page.locator('nav.main-nav')).toHaveAttribute('aria-label', 'Main');
  });

  test('the order number ends with a Japanese full stop', async ({ page }) => {
    await open(page, '/cart/#cart=dog-leash*1');
    await page.click('#checkout');
    await expect(page.locator('#order-done')).toBeVisible();
    // It read 「ご注文番号 OMO-123456. 本日、…」.
    await expect(page.locator('#order-done p')).toHaveText(/^ご注文番号 OMO-\d{6}。本日、お近くの店舗で梱包します。$/);
    await page.click('#lang-toggle');
    await expect(page.locator('#order-done p')).toHaveText(/^Order number OMO-\d{6}\. It will be packed today at your nearest store\.$/);
  });
});

test('before a choice, the cart does not say that personalization is off', async ({ page }) => {
  await open(page, '/cart/#cart=dog-leash*1');
  expect(await page.evaluate(() => window.omotenashi.consentState())).toBe('pending');
  await expect(page.locator('#consent-state')).toHaveText('not chosen');
  // It said "Personalization is off, so your cart travels…" while the footer said "not chosen".
  await expect(page.locator('#cart-memory')).toHaveText(
    'Until you allow personalization, your cart travels in the page address between pages of this tab. Nothing is stored.');
  await page.click('#lang-toggle');
  await expect(page.locator('#cart-memory')).toHaveText(
    'パーソナライズを許可していただくまで、カートはこのタブのページ間でURLに載せて運んでいます。保存はされません。');
  await page.click('#consent-banner [data-omo-consent="denied"]');
  await expect(page.locator('#cart-memory')).toHaveText(
    'パーソナライズがオフのため、カートはこのタブのページ間でURLに載せて運んでいます。保存はされません。');
});
