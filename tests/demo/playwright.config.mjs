// Playwright for the demo scenarios: Debian's Chromium (Playwright cannot
// download browsers here), against the shop that tests/demo/run serves.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs$/,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: Number(process.env.DEMO_WORKERS || 2),
  retries: 0,
  outputDir: process.env.DEMO_RESULTS_DIR || '../../build/demo-test-results',
  reporter: [['list'], ['json', { outputFile: process.env.DEMO_JSON_REPORT || '../../build/demo-test-results/report.json' }]],
  use: {
    baseURL: process.env.DEMO_URL || 'http://127.0.0.1:8080',
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
    timezoneId: 'Asia/Tokyo',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
});
