// Playwright against the release bundle (web/dist) in Debian's Chromium.
import { defineConfig } from '@playwright/test';

const port = +(process.env.OMO_TEST_PORT || 8391);
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export default defineConfig({
  testDir: './specs',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: +(process.env.OMO_TEST_WORKERS || 2),
  retries: 0,
  reporter: [['list']],
  outputDir: '../../build/test-results/browser',
  projects: [
    { name: 'main', testIgnore: /paint\.spec\.mjs/ },
    // The frame-by-frame first-paint test races the 400 ms failsafe: it runs
    // after the rest, alone, so a second browser does not steal its CPU.
    { name: 'paint', testMatch: /paint\.spec\.mjs/, dependencies: ['main'] },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.OMO_CHROMIUM || '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `node server.mjs ${port}`,
    url: `http://127.0.0.1:${port}/pages/rules.json`,
    reuseExistingServer: false,
    stdout: 'ignore',
  },
});
