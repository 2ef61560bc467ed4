/** The bench plan: huge's quick form trains fewer networks, and a host runs only the baselines it can. */
import { describe, expect, it } from 'vitest';
import { BASELINES } from '../../bench/measure.js';
import { benchPlan } from '../../bench/plan.js';

describe('benchPlan', () => {
  it('gives huge 16,384 networks, and 1024 in its quick form', () => {
    expect(benchPlan({ only: 'huge' }).workloads.map((w) => w.batch)).toEqual([16_384]);
    expect(benchPlan({ only: 'huge,ensemble', quick: true }).workloads.map((w) => [w.name, w.batch])).toEqual([
      ['ensemble', 256],
      ['huge', 1024],
    ]);
  });

  it('runs huge in full only when named (about 40 min on SwiftShader), its quick form always', () => {
    expect(benchPlan({}).workloads.map((w) => w.name)).not.toContain('huge');
    expect(benchPlan({ quick: true }).workloads.map((w) => w.name)).toContain('huge');
  });

  it('offers numpy only where the host can run it', () => {
    expect(benchPlan({}).baselines).toContain('numpy');
    const page = BASELINES.filter((b) => b !== 'numpy');
    expect(benchPlan({}, page).baselines).toEqual(['reference', 'float32', 'tfjs']);
    expect(() => benchPlan({ baselines: 'numpy' }, page)).toThrow(/unknown numpy/);
  });
});
