// Type test of omotenashi.d.ts: compiled with tsc --noEmit by web/build.
// Lines marked @ts-expect-error must fail to type-check.
import omotenashi, { ready, decide, track, init, type Decision, type ConsentState } from 'omotenashi';

async function main(): Promise<void> {
  await init({ rules: '/rules.json', collect: '/v1/reports', hideTimeoutMs: 300 });
  await ready;
  await window.omotenashi.ready;

  const all: Decision[] = decide();
  const one: Decision | null = omotenashi.decide('greeting');
  if (one && one.variant !== 'default') {
    const text: string | undefined = one.text;
    const src: string | undefined = one.image?.src;
    const rule: string = one.reason.rule;
    console.log(text, src, rule, all.length);
  }

  track('view', { sku: 'sku-bed', category: 'beds' });
  track('dwell', { sku: 'sku-bed', seconds: 3 });
  track('purchase', { sku: 'sku-bed', quantity: 1, id: 'order-1' });
  track('purchase', { items: ['sku-bed', { sku: 'sku-ball', category: 'toys', quantity: 2 }], id: 'order-2' });
  // @ts-expect-error: an item needs its sku
  track('purchase', { items: [{ category: 'toys' }] });
  // @ts-expect-error: not a signal type
  track('hover');

  const state: ConsentState = omotenashi.consentState();
  await omotenashi.consent(state === 'pending' ? 'granted' : 'denied');
  // @ts-expect-error: not a consent state
  await omotenashi.consent('maybe');

  await omotenashi.setProfile({ name: 'Aiko', pet: 'dog', region: null });
  const why: string = omotenashi.explain('greeting');
  const data = omotenashi.exportData();
  const stored: Record<string, unknown> | null = data.profile;
  console.log(why, stored);

  const off = omotenashi.on('decision', (d) => console.log(d.slot, d.variant));
  off();
  omotenashi.on('error', (e) => console.log(e.message));
  omotenashi.on('consent', (c) => console.log(c.state, c.source));
  // @ts-expect-error: not an event type
  omotenashi.on('click', () => {});
  document.addEventListener('omotenashi:decision', (e) => console.log(e.detail.variant));

  await omotenashi.forget();
  console.log(omotenashi.VERSION);
}
void main;
