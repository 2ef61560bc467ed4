/**
 * The CLI's heap policy (src/cli/heap-growth.ts): set after start-up, as the CLI sets it, the growth
 * factor keeps V8's heap near its live size while garbage that outlives a few scavenges (like a
 * trained batch's runs) streams through. A child process holds ~60 MB live and churns batches of
 * 2·10⁵ objects; with the policy its peak heap must stay below 2.5× the largest live heap it
 * measures (V8's default lets it reach 3–4×; bench/README has the CLI's numbers).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT } from '../../src/cli/heap-growth.js';

const CHURN = `
import { setFlagsFromString } from 'node:v8';
if (process.argv[1] === 'bound') setFlagsFromString('--heap-growing-percent=' + process.argv[2]);
const live = Array.from({ length: 600_000 }, (_, i) => ({ id: i, a: [i, i + 1], b: { x: i } }));
let peak = 0;
let largestLive = 0;
for (let round = 0; round < 10; round++) {
  let batch = Array.from({ length: 200_000 }, (_, i) => ({ id: i, t: [i, i, i], s: { v: [i] } }));
  for (let k = 0; k < 5; k++) batch = batch.map((o) => ({ ...o, k }));
  peak = Math.max(peak, process.memoryUsage().heapTotal);
  if (round % 3 === 0) {
    globalThis.gc();
    largestLive = Math.max(largestLive, process.memoryUsage().heapUsed);
  }
}
console.log(JSON.stringify({ held: live.length, peak, largestLive }));
`;

function churn(mode: 'bound' | 'default'): { peak: number; largestLive: number } {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', CHURN, mode, String(HEAP_GROWING_PERCENT)],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as { peak: number; largestLive: number };
}

describe('heap growth policy', () => {
  it('keeps the peak heap within 2.5× the live heap', () => {
    const bound = churn('bound');
    expect(bound.peak / bound.largestLive).toBeLessThan(2.5);
  }, 60_000);
});
