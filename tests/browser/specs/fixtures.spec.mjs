// The golden decide fixtures (tests/fixtures/decide/*.json, answers from the
// native engine) replayed in the browser against the release bundle: the
// same steps as `omotenashi decide` (setContext, profile, beginPage,
// decideAll at the fixture's time, seed 1) must give the same decisions.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const folder = join(root, 'tests/fixtures/decide');
const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')).sort() : [];

test.describe('golden decide fixtures', () => {
  let page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    await page.goto('/pages/blank.html');
  });
  test.afterAll(async () => { await page.close(); });

  for (const file of files) {
    test(`fixture ${file}`, async () => {
      const c = JSON.parse(readFileSync(join(folder, file), 'utf8'));
      const ruleRef = c.rulesFile || c.rules;
      const rulesText = typeof ruleRef === 'string' ? readFileSync(join(root, ruleRef), 'utf8') : JSON.stringify(ruleRef);
      const got = await page.evaluate(async ({ rulesText, c }) => {
        const M = await window.omotenashi._load();
        const e = new M.Engine(rulesText, 0, 1);   // seed 1, as the CLI's default
        try {
          if (!e.ok()) return { error: e.diagnostics() };
          const errs = [e.setContext(JSON.stringify(c.context))];
          if (c.profile) errs.push(e.loadProfileScript(JSON.stringify(c.profile), c.now));
          if (errs.some(Boolean)) return { error: errs };
          e.beginPage(c.now);
          return c.slot ? JSON.parse(e.decide(c.slot, c.now)) : JSON.parse(e.decideAll(c.now));
        } finally { e.delete(); }
      }, { rulesText, c });
      expect(got).toEqual(c.expected);
    });
  }
});
