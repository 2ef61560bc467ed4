/**
 * Escape from the origin (issue 14 §5): escapeAlignment on hand-built matrices with a known top
 * direction, and on Float64 reference trajectories (SPEC §3) at depths 2, 3 and 4 from a small
 * start, where W(t) leaves the origin along u₁(−∇C(0)) = u₁(Y): the median alignment at σ₁ = 1%
 * of s₁ over 4 init seeds is ≥ 0.99, and no run is below 0.98 (measured: depth 2 and 3 ≥ 0.995 in
 * every seed; depth 4, the slowest escape, 0.988–0.999 with median 0.994). Tolerances: the hand-built cases are exact to
 * Float64 round-off (1e-12).
 */
import { describe, expect, it } from 'vitest';
import { alignedModeTrajectory, ESCAPE_FRACTION, escapeAlignment, median } from '../../src/analysis/index.js';
import { expandRuns } from '../../src/config/index.js';
import { experimentRun, fullTrace } from '../../src/experiment/index.js';
import { PRESETS } from '../../src/presets/index.js';
import { escapeDirection } from '../../src/experiment/escape-direction.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildTask } from '../../src/problem/task.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { testConfig } from '../helpers/configs.js';
import { resultOf } from '../helpers/results.js';

/** W = c·u vᵀ + e·(a second direction) as row-major data, 3×2. */
function rankTwo(c: number, e: number, u: number[], u2: number[], v: number[], v2: number[]): Float64Array {
  return Float64Array.from(
    { length: 6 },
    (_, k) => c * u[Math.floor(k / 2)]! * v[k % 2]! + e * u2[Math.floor(k / 2)]! * v2[k % 2]!,
  );
}

describe('escapeAlignment', () => {
  const u = [1 / Math.sqrt(2), 1 / Math.sqrt(2), 0];
  const w = [0, 0, 1];
  const v = [1, 0];
  const v2 = [0, 1];

  it('measures |⟨u₁(W), direction⟩| at the first record past the mark', () => {
    // s₁ = 10: the mark is σ₁ = 0.1, first reached at record 2, where u₁(W) = u.
    const records = [
      rankTwo(0.001, 0.0005, u, w, v, v2),
      rankTwo(0.05, 0.001, u, w, v, v2),
      rankTwo(0.2, 0.001, u, w, v, v2),
      rankTwo(5, 0.001, w, u, v, v2),
    ];
    const direction = [1, 0, 0];
    const result = escapeAlignment(records, 3, 2, 10, direction)!;
    expect(result.record).toBe(2);
    expect(result.alignment).toBeCloseTo(1 / Math.sqrt(2), 12);
    expect(escapeAlignment(records, 3, 2, 10, u)!.alignment).toBeCloseTo(1, 12);
    // Given the recorded σ₁ per record (here the c of each W), the same record and alignment, with one SVD.
    expect(escapeAlignment(records, 3, 2, 10, direction, [0.001, 0.05, 0.2, 5])).toEqual(result);
    expect(ESCAPE_FRACTION).toBe(0.01);
  });

  it('is null when σ₁ never reaches the mark, or starts above it', () => {
    const small = [rankTwo(0.001, 0, u, w, v, v2), rankTwo(0.002, 0, u, w, v, v2)];
    expect(escapeAlignment(small, 3, 2, 10, u)).toBeNull();
    expect(escapeAlignment([rankTwo(1, 0, u, w, v, v2)], 3, 2, 10, u)).toBeNull();
  });
});

/** Per-layer std: end-to-end W(0) of order 1e-6 to 1e-7 at each depth. */
const INIT_STD: Record<number, number> = { 2: 1e-3, 3: 0.004, 4: 0.01 };

describe('escape from a small start, Float64 reference', () => {
  for (const depth of [2, 3, 4]) {
    it(`depth ${depth}: W leaves the origin along u₁(Y) (median alignment ≥ 0.99 over 4 seeds, none below 0.98)`, () => {
      const alignments = [0, 1, 2, 3].map((seed) => {
        const config = testConfig({
          task: { kind: 'factorization', target: { rows: 6, cols: 6, singularValues: [4, 2, 1], seed: 3 } },
          widths: Array.from({ length: depth + 1 }, () => 6),
          init: { kind: 'gaussian', std: INIT_STD[depth]!, seed },
          lr: 0.02,
        });
        const task = buildTask(config);
        const trainer = new ReferenceTrainer(task, initialLayers(config, task), {
          lr: config.train.lr,
          weightDecay: 0,
        });
        const records: Float64Array[] = [];
        for (let step = 0; step <= 30_000; step++) {
          if (step % 10 === 0) {
            const w = trainer.endToEnd();
            records.push(Float64Array.from(w.data));
            if (Math.max(...w.data.map(Math.abs)) > 0.2) break; // past σ₁ = 1% of s₁ = 0.04
          }
          trainer.step();
        }
        return escapeAlignment(records, 6, 6, 4, escapeDirection(config))?.alignment ?? NaN;
      });
      expect(median(alignments)).toBeGreaterThanOrEqual(0.99);
      for (const a of alignments) expect(a).toBeGreaterThanOrEqual(0.98);
    });
  }
});

describe('saddle-to-saddle verdict: the escape alignment joins the criterion where measured', () => {
  // Closed-form aligned-mode traces of the preset's own runs (SPEC §10): every saddle at its level.
  const preset = PRESETS.find((p) => p.name === 'saddle-to-saddle')!;
  const s = [8, 4, 2, 1];
  const runs = expandRuns(preset.config).map((run) => {
    const steps = Array.from({ length: 1501 }, (_, i) => 10 * i);
    const times = steps.map((step) => step * run.config.train.lr);
    const modes = s.map((si) => alignedModeTrajectory(3, si, 1e-7, times));
    const singularValues = times.map((_, i) => modes.map((m) => m[i]!));
    const losses = singularValues.map((sigma) => s.reduce((sum, si, k) => sum + (si - sigma[k]!) ** 2 / 2, 0));
    return experimentRun(run, fullTrace({ steps, times, losses, singularValues }), false);
  });
  const verdictWith = (alignment: (i: number) => number | null) =>
    preset.verdict!(
      resultOf(
        preset.config,
        runs.map((run, i) => ({ ...run, escapeAlignment: alignment(i) })),
      ),
    );

  it('passes with the median alignment at or above 0.99, and fails below it', () => {
    const aligned = verdictWith((i) => (i % 2 === 0 ? 0.999 : 0.995));
    expect(aligned.pass).toBe(true);
    expect(aligned.measured.join('\n')).toMatch(/escape from the origin: .* median 0\.997 \(min 0\.995\)/);
    const misaligned = verdictWith((i) => (i < 10 ? 0.95 : 0.999));
    expect(misaligned.pass).toBe(false);
    expect(misaligned.summary).toMatch(/escape alignment median 0\.95 < 0\.99/);
  });

  it('says "not measured" without record.matrices, and judges the saddles alone', () => {
    const unmeasured = verdictWith(() => null);
    expect(unmeasured.measured.join('\n')).toContain('escape from the origin: not measured (needs record.matrices)');
    expect(unmeasured.pass).toBe(true);
  });
});
