// Copies the screenshots docs/demo.md shows to docs/img/, scaled down to at
// most 800 px wide (the browser does the scaling): small PNGs for the repo.
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const shots = resolve(process.env.DEMO_SHOTS || join(here, '../../build/demo-screenshots'));
const out = resolve(join(here, '../../docs/img'));
const chosen = [
  '01-first-visit-hokkaido', '02-named-dog', '02-named-cat-ja', '03-studying-promo', '04-after-purchase',
  '05-cart-help-phone', '06-five-am-phone', '07-also-like-once', '08-denied-generic', '08-forgotten-first-visit',
  '09-why-greeting', '09-what-is-stored', '10-dashboard',
];
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
let missing = 0;
for (const name of chosen) {
  const src = join(shots, name + '.png');
  if (!existsSync(src)) { console.error(`docs-img: ${name}.png was not made`); missing++; continue; }
  const png = readFileSync(src);
  const width = png.readUInt32BE(16);
  const target = name.startsWith('06-') ? Math.min(width, 360) : Math.min(width, 800);
  await page.setContent(`<body style="margin:0"><img id="i" style="display:block;width:${target}px" src="data:image/png;base64,${png.toString('base64')}"></body>`);
  await page.waitForFunction(() => document.getElementById('i').complete);
  await page.locator('#i').screenshot({ path: join(out, `demo-${name}.png`) });
  console.log(`docs/img/demo-${name}.png`);
}
await browser.close();
process.exit(missing ? 1 : 0);
