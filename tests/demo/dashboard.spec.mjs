// The owner's dashboard (/dashboard) beyond scenario 10.
import { test, expect } from '@playwright/test';
import { shot } from './helpers.mjs';

const TOKEN = process.env.DEMO_TOKEN;
const link = (site, token) => '/dashboard#site=' + encodeURIComponent(site) + '&token=' + encodeURIComponent(token);

test.beforeEach(() => {
  test.skip(!TOKEN, 'needs the collector token (tests/demo/run sets DEMO_TOKEN)');
});

async function openResults(page) {
  await page.goto(link('petshop', TOKEN));
  await expect(page.locator('#results h2')).toHaveCount(3, { timeout: 15_000 });
}

test('dashboard on a phone: the page is no wider than the screen, tables scroll in their own box', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openResults(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // The arms table is wider than a phone: it scrolls inside its box.
  const box = page.locator('#results .table-scroll').first();
  expect(await box.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
  expect(await chartsFit(page)).toBe(true);
});

test('dashboard on a phone turned upright: the charts shrink with the page', async ({ page }) => {
  await page.setViewportSize({ width: 844, height: 390 });
  await openResults(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => chartsFit(page)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('dashboard: no console error and no failed request on load (no /favicon.ico)', async ({ page }) => {
  const problems = [];
  // Chromium asks for /favicon.ico on its own (Playwright reports no such
  // request): its 404 shows only as a console error, at the icon's URL.
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text() + ' ' + m.location().url); });
  page.on('pageerror', (e) => problems.push('page: ' + e.message));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(r.status() + ' ' + r.url()); });
  await openResults(page);
  await page.waitForTimeout(500);
  expect(problems).toEqual([]);
});

test('dashboard: a second link in the same tab loads it, clears "Wrong token." and wipes the token', async ({ page }) => {
  await page.goto(link('petshop', 'not-the-token'));
  await expect(page.locator('#status')).toHaveText('Wrong token.');
  await page.evaluate((h) => { location.hash = h; }, link('petshop', TOKEN).split('#')[1]);
  await expect(page.locator('#results h2').first()).toContainText('greeting-test', { timeout: 15_000 });
  await expect(page.locator('#status')).toHaveText('');
  expect(page.url()).not.toContain('#');
  expect(page.url()).not.toContain(TOKEN);
  // And the other way: a wrong token now empties the results.
  await page.evaluate(() => { location.hash = 'site=petshop&token=wrong-again'; });
  await expect(page.locator('#status')).toHaveText('Wrong token.');
  await expect(page.locator('#results')).toBeEmpty();
  expect(page.url()).not.toContain('wrong-again');
});

test('dashboard: an unknown site says it has no results, without the SIMULATED label', async ({ page }) => {
  await page.goto(link('no-such-site', TOKEN));
  await expect(page.locator('#results')).toContainText('No results for site no-such-site', { timeout: 15_000 });
  await expect(page.locator('#results .label')).toHaveCount(0);
  await page.fill('#site', 'petshop');
  await page.click('#login button[type="submit"]');
  await expect(page.locator('#results .label')).toContainText('SIMULATED traffic');
});

test('dashboard: each value of a chart has its own colour, "unset" is grey', async ({ page }) => {
  await openResults(page);
  const charts = await page.locator('#results section').evaluateAll((sections) => sections.map((s) => ({
    task: s.querySelector('h2').textContent,
    series: [...s.querySelectorAll('.u-legend .u-series')].slice(1).map((tr) => ({
      name: tr.querySelector('.u-label').textContent,
      color: getComputedStyle(tr.querySelector('.u-marker')).borderLeftColor,
    })),
  })));
  expect(charts.map((c) => c.task.split(' ')[0])).toEqual(['greeting-test', 'pet-mix', 'region-mix']);
  expect(charts[2].series.length).toBe(9);   // eight regions and "unset"
  const rgb = (c) => c.match(/\d+/g).map(Number);
  // Every two series of a chart apart by more than 60 in RGB (two blues were 57 apart).
  for (const c of charts) {
    for (let i = 0; i < c.series.length; i++) {
      for (let j = i + 1; j < c.series.length; j++) {
        const [a, b] = [rgb(c.series[i].color), rgb(c.series[j].color)];
        const dist = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        expect(dist, `${c.task}: ${c.series[i].name} ${c.series[i].color} vs ${c.series[j].name} ${c.series[j].color}`)
          .toBeGreaterThan(60);
      }
    }
  }
  for (const c of charts.slice(1)) {
    const [r, g, b] = rgb(c.series.find((s) => s.name === 'unset').color);
    expect(Math.max(r, g, b) - Math.min(r, g, b), c.task + ': unset is grey').toBeLessThan(16);
  }
});

// Every chart no wider than the results.
const chartsFit = (page) => page.locator('#results .chart').evaluateAll((els) => els.length > 0 &&
  els.every((e) => e.querySelector('.uplot').getBoundingClientRect().width <= document.getElementById('results').clientWidth));

// A second link naming a site id the collector refuses (400) showed the error
// above the previous site's results, as if they were that site's.
test('dashboard: an error for another site clears the results shown', async ({ page }) => {
  await openResults(page);
  await page.goto(link('no such site!', TOKEN));
  await expect(page.locator('#status')).toContainText('site');
  await expect(page.locator('#results h2')).toHaveCount(0);
});

// ---- In Japanese -----------------------------------------------------------------------
// The shop is bilingual; its owner may read Japanese. The dashboard speaks the
// browser's language (navigator.languages) unless the owner picks one with the
// switch (English / 日本語), which goes in the address as ?lang=… (no storage).

// Words of the page's text that are neither Japanese nor the data's own names
// (task ids, arms, cell labels, rules versions, the site id: the owner's, from
// the rules) nor the product's name: English the dashboard wrote itself.
async function englishLeft(page) {
  const res = await page.request.get('/v1/results?site=petshop', { headers: { Authorization: 'Bearer ' + TOKEN } });
  const body = await res.json();
  const names = new Set(['Omotenashi', 'English', body.site]);
  for (const t of body.tasks) {
    names.add(t.task);
    (t.cfgs || []).forEach((c) => names.add(c));
    (t.arms || []).forEach((a) => names.add(a.arm));
    (t.cells || []).forEach((c) => c.label.split('/').forEach((p) => names.add(p)));
  }
  const text = await page.evaluate(() => {
    const words = [document.title];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      // Not the collector's --label (its text, as sent), nor scripts.
      if (!n.parentElement.closest('.label, script')) words.push(n.nodeValue);
    }
    return words.join(' ');
  });
  return text.split(/[^A-Za-z0-9_.-]+/).map((w) => w.replace(/[.]+$/, ''))
    .filter((w) => /[A-Za-z]/.test(w) && !names.has(w) && w !== 'k');
}

test.describe('dashboard for a browser in Japanese', () => {
  test.use({ locale: 'ja-JP' });

  test('dashboard in Japanese: lang="ja", headings, form, charts, tables, numbers and weeks, no English of its own', async ({ page }) => {
    // uPlot draws its axes on the canvas: note what is written there.
    await page.addInitScript(() => {
      window.drawnText = [];
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        window.drawnText.push(String(text));
        return fillText.call(this, text, ...rest);
      };
    });
    await openResults(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page).toHaveTitle('Omotenashi 計測結果');
    await expect(page.locator('h1')).toHaveText('Omotenashi 計測結果');
    await expect(page.locator('header .note')).toContainText('95%信頼区間');
    await expect(page.locator('#login')).toContainText('サイト');
    await expect(page.locator('#login')).toContainText('管理トークン');
    await expect(page.locator('#login button[type="submit"]')).toHaveText('結果を表示');
    // The switch: both languages, each named in itself, the current one marked.
    await expect(page.getByRole('link', { name: '日本語' })).toHaveAttribute('aria-current', 'true');
    await expect(page.getByRole('link', { name: 'English' })).not.toHaveAttribute('aria-current', 'true');
    await expect(page.getByRole('link', { name: 'English' })).toHaveAttribute('lang', 'en');
    const results = page.locator('#results');
    await expect(results.locator('h2').first()).toHaveText('greeting-test（実験）');
    await expect(results.locator('h2').nth(1)).toHaveText('pet-mix（プロフィール項目）');
    await expect(results.locator('.u-title').first()).toHaveText('パターン別のコンバージョン率（95%信頼区間）');
    await expect(results.locator('.u-title').nth(1)).toHaveText('値ごとの割合（95%信頼区間）');
    // The axes: the y axis named in Japanese, the weeks under the x axis too.
    await expect.poll(() => page.evaluate(() => window.drawnText)).toEqual(expect.arrayContaining(['コンバージョン率', '割合']));
    const drawn = await page.evaluate(() => window.drawnText);
    expect(drawn.filter((t) => /^\d{4}年第\d{1,2}週$/.test(t)).length).toBeGreaterThan(0);
    expect(drawn.filter((t) => /[A-Za-z]/.test(t))).toEqual([]);
    await expect(results.locator('.table-scroll table').first().locator('th')).toHaveText(
      ['パターン', 'レポート数（推定値）', 'コンバージョン率', '95%信頼区間', 'ホールドアウトとの差', '95%信頼区間']);
    await expect(results.locator('.table-scroll table').nth(1).locator('th')).toHaveText(['区分', '件数（推定値）', '割合', '95%信頼区間']);
    // Intervals as "low～high", lifts in points, counts grouped by Intl.
    await expect(results.locator('.table-scroll table').first().locator('td').nth(3)).toHaveText(/^\d+\.\d{2}%～\d+\.\d{2}%$/);
    await expect(results.locator('.table-scroll table').first()).toContainText('ポイント');
    await expect(results.locator('.table-scroll table').first().locator('td').nth(1)).toHaveText(/^\d{1,3}(,\d{3})*$/);
    // Weeks the Japanese way, with their days as Intl writes them: "2026年第47週（11/16～11/22）".
    await expect(results.locator('.meta').first()).toHaveText(/^サイト：petshop、現在の週：\d{4}年第\d{1,2}週、公開に必要なレポート数（k）：[\d,]+件$/);
    await expect(results.locator('section .meta').first()).toHaveText(
      /^\d{4}年第\d{1,2}週（\d{1,2}\/\d{1,2}～\d{1,2}\/\d{1,2}）：レポート数 \d{1,3}(,\d{3})*件、ε = \d+、区分数 \d+、ルールのバージョン [0-9a-f]+/);
    // The chart's legend names the week under the cursor in Japanese.
    const legend = results.locator('.u-legend').first();
    await expect(legend.locator('.u-series').first()).toContainText('週');
    await results.locator('.u-over').first().hover();
    await expect(legend).toContainText(/週\s*\d{4}年第\d{1,2}週/);
    // The demo's label (demo/run's --label) carries Japanese too.
    await expect(results.locator('.label')).toContainText('シミュレーション');
    expect(await englishLeft(page)).toEqual([]);
    await page.mouse.move(0, 0);
    await shot(page, '10-dashboard-ja', { fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1180 } });
  });

  test('dashboard in Japanese: the verdict is a Japanese sentence', async ({ page }) => {
    await openResults(page);
    const verdict = page.locator('#results .verdict').first();
    await expect(verdict).toHaveText(new RegExp(
      '^(この週は、ホールドアウトと明確な差のあるパターンはありません（どのパターンも、差の95%信頼区間に0が含まれています）。' +
      '|パターン「\\w+」は、ホールドアウトよりコンバージョン率が明確に(高く|低く)なっています。' +
      '差は[+−-]\\d+\\.\\d{2}ポイント（95%信頼区間：[+−-]\\d+\\.\\d{2}～[+−-]\\d+\\.\\d{2}ポイント）です。)'));
  });

  test('dashboard in Japanese: its own error messages, and an unknown site', async ({ page }) => {
    await page.goto(link('petshop', 'not-the-token'));
    await expect(page.locator('#status')).toHaveText('トークンが正しくありません。');
    await page.goto(link('no-such-site', TOKEN));
    await expect(page.locator('#results .empty')).toHaveText(
      'サイト「no-such-site」の結果はありません。コレクターにはこのサイトのレポートがありません（サイトIDをご確認ください）。',
      { timeout: 15_000 });
  });

  test('dashboard in Japanese: no console error and no failed request', async ({ page }) => {
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text() + ' ' + m.location().url); });
    page.on('pageerror', (e) => problems.push('page: ' + e.message));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(r.status() + ' ' + r.url()); });
    await openResults(page);
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('link', { name: '日本語' }).click();
    await page.waitForTimeout(500);
    expect(problems).toEqual([]);
  });

  test('dashboard in Japanese on a phone: the page is no wider than the screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openResults(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await chartsFit(page)).toBe(true);
    await expect(page.getByRole('link', { name: 'English' })).toBeInViewport();
    await shot(page, '10-dashboard-ja-phone', { fullPage: false });
  });

  test('dashboard: ?lang=en wins over a browser in Japanese', async ({ page }) => {
    await page.goto('/dashboard?lang=en#site=petshop&token=' + encodeURIComponent(TOKEN));
    await expect(page.locator('#results h2').first()).toHaveText('greeting-test (experiment)', { timeout: 15_000 });
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
});

test('dashboard: the switch turns the page Japanese and back, keeping the results and the token out of the address', async ({ page }) => {
  await openResults(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('link', { name: 'English' })).toHaveAttribute('aria-current', 'true');
  await page.getByRole('link', { name: '日本語' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.locator('h1')).toHaveText('Omotenashi 計測結果');
  // The results are drawn again in Japanese, without asking for the token again.
  await expect(page.locator('#results h2').first()).toHaveText('greeting-test（実験）');
  await expect(page.locator('#results .verdict').first()).toHaveText(/^(この週は|パターン「)/);
  await expect(page.locator('#results .u-title').first()).toHaveText('パターン別のコンバージョン率（95%信頼区間）');
  await expect(page.locator('#login button[type="submit"]')).toHaveText('結果を表示');
  await expect(page.locator('#results .chart')).toHaveCount(3);
  expect(new URL(page.url()).search).toBe('?lang=ja');
  expect(page.url()).not.toContain(TOKEN);
  expect(page.url()).not.toContain('#');
  // The choice is in the address, nowhere else: no cookie, no localStorage, and
  // sessionStorage holds only what it held before (the site id).
  expect(await page.evaluate(() => [document.cookie, localStorage.length, Object.keys(sessionStorage)]))
    .toEqual(['', 0, ['omotenashi.site']]);
  // And back.
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('h1')).toHaveText('Omotenashi results');
  await expect(page.locator('#results h2').first()).toHaveText('greeting-test (experiment)');
  await expect(page.locator('#results .verdict').first()).toHaveText(/^(No arm differs clearly from the holdout|\w+ converts (better|worse) than the holdout)/);
  await expect(page.locator('#results .u-title').first()).toHaveText('Conversion rate by arm (95% intervals)');
  expect(new URL(page.url()).search).toBe('?lang=en');
  // A reload keeps the language the owner chose (from the address), not the token.
  await page.getByRole('link', { name: '日本語' }).click();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.locator('#token')).toHaveValue('');
  await expect(page.locator('#site')).toHaveValue('petshop');
});

test('dashboard: a link with the token and site works on a Japanese page, and a second one too', async ({ page }) => {
  await page.goto('/dashboard?lang=ja#site=petshop&token=not-the-token');
  await expect(page.locator('#status')).toHaveText('トークンが正しくありません。');
  await page.evaluate((h) => { location.hash = h; }, link('petshop', TOKEN).split('#')[1]);
  await expect(page.locator('#results h2').first()).toHaveText('greeting-test（実験）', { timeout: 15_000 });
  await expect(page.locator('#status')).toHaveText('');
  expect(new URL(page.url()).search).toBe('?lang=ja');
  expect(page.url()).not.toContain('#');
  expect(page.url()).not.toContain(TOKEN);
});
