/**
 * Every preset's figure renders with its data: built from a synthetic result of the preset's own
 * runs (no GPU), each figure must draw a point or line per datum, never "no data to plot".
 */
import { describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { experimentRun, fullTrace } from '../../src/experiment/index.js';
import type { ExperimentResult } from '../../src/experiment/types.js';
import { PRESETS } from '../../src/presets/index.js';
import { hasFigures, presetFigures } from '../../src/results/figures/index.js';
import { resultOf } from '../helpers/results.js';

/** A run of the preset that learned its target: σ from 1e-3 to s, loss from ½Σs² to ~0, with plausible held-out errors, lazy deviations and metrics. */
/**
 * Stand-ins of the same sweep at a size whose host-side baselines solve in milliseconds: the
 * preset's own 40 nuclear-norm and GLRL solves at 30×30 take minutes.
 */
const SMALLER: Record<string, (config: Config) => Config> = {
  'completion-vs-observations': (config) => ({
    ...config,
    task: { ...config.task, target: { rows: 10, cols: 10, singularValues: [10] } },
    network: { depth: 2, width: 10 },
    sweep: { ...config.sweep, 'task.seed': [1, 2] },
  }),
};

function syntheticResult(name: string): ExperimentResult {
  const preset = PRESETS.find((p) => p.name === name)!;
  const config = SMALLER[name]?.(preset.config) ?? preset.config;
  const runs = expandRuns(config).map((run, i) => {
    const target = run.config.task.target;
    const s = 'singularValues' in target ? [...target.singularValues].sort((a, b) => b - a) : [1, 0.5];
    const steps = [0, 10, 100, 1000];
    const fraction = [0, 0.2, 0.8, 1];
    const trace = fullTrace({
      steps,
      times: steps.map((step) => step * run.config.train.lr),
      losses: fraction.map((f) => s.reduce((sum, v) => sum + (v * (1 - f)) ** 2, 0) / 2 + 1e-9),
      singularValues: fraction.map((f) => s.map((v) => Math.max(1e-3, v * f))),
      testErrors: fraction.map((f) => 0.05 + (1 - f) / (1 + (i % 3))),
      lazyDeviations: fraction.map((f) => (0.05 * f) / (1 + (i % 5))),
    });
    const sign = i % 2 === 0 ? 1 : -1;
    return experimentRun(run, trace, false, {
      w12: sign * (1 + i / 100),
      w21: sign / (1 + i / 100),
      w23: 0.1 * sign,
      w32: 0.2,
      sigmaMin: 0.01,
      det: 0.01,
      det0: (i % 3 === 0 ? -1 : 1) * 1e-4,
      effectiveRank: 1 + (i % 10) / 10,
      unobservedError: 0.1 / (1 + (i % 4)),
    });
  });
  return resultOf(config, runs);
}

describe('preset figures', () => {
  const named = PRESETS.filter((p) => hasFigures(p.name));

  it('every preset has one', () => {
    expect(PRESETS.filter((p) => !hasFigures(p.name)).map((p) => p.name)).toEqual([]);
  });

  for (const preset of named) {
    it(`${preset.name}: draws its data`, () => {
      const result = syntheticResult(preset.name);
      const figures = presetFigures(preset.name, result);
      expect(figures.length).toBeGreaterThan(0);
      for (const figure of figures) {
        expect(figure).not.toContain('no data to plot');
        expect(figure).toMatch(/<(path|circle)/);
      }
    });
  }

  it('the CMV scatter has a point per run, split by the sign of det W(0), and both hyperbola branches in each panel', () => {
    const result = syntheticResult('infinite-depth-completion');
    const negatives = result.runs.filter((run) => run.metrics.det0! < 0).length;
    const [negative, positive, histogram, volume] = presetFigures('infinite-depth-completion', result);
    expect(negative).toContain('det W(0) &lt; 0');
    expect(negative!.match(/<circle/g)).toHaveLength(negatives);
    expect(positive!.match(/<circle/g)).toHaveLength(result.runs.length - negatives);
    for (const scatter of [negative, positive]) {
      expect(scatter).toContain('positive branch');
      expect(scatter).toContain('negative branch');
    }
    expect(histogram).toContain('effective rank');
    // The log-volume against time: a line per flow depth, a point per record where it is defined: the
    // first record's σ are equal (1e-3, 1e-3), where the density vanishes (−∞), so 3 of the 4.
    expect(volume).toContain('Median log-volume density');
    expect(volume!.match(/<circle/g)).toHaveLength(6 * 3);
  });

  it('the CMV scatter of a result without det W(0) is one panel with every run', () => {
    const result = syntheticResult('infinite-depth-completion');
    const old = {
      ...result,
      runs: result.runs.map(({ metrics: { det0: _, ...metrics }, ...run }) => ({ ...run, metrics })),
    };
    const figures = presetFigures('infinite-depth-completion', old);
    expect(figures).toHaveLength(3);
    expect(figures[0]!.match(/<circle/g)).toHaveLength(result.runs.length);
  });

  it('completion-vs-observations: quartile bars on every depth point, and the GLRL and nuclear-norm lines', () => {
    const [figure] = presetFigures('completion-vs-observations', syntheticResult('completion-vs-observations'));
    // 5 fractions × 4 depths; a synthetic run's errors differ across init seeds, so every bar has length.
    expect(figure!.match(/class="p-error-bar"/g)).toHaveLength(5 * 4);
    expect(figure).toContain('greedy low-rank (GLRL)');
    expect(figure).toContain('minimum nuclear norm');
  });

  it('rank-two-completion: a point per run in the panel of its det W(0) sign, over the rank-2 line', () => {
    const result = syntheticResult('rank-two-completion');
    const negatives = result.runs.filter((run) => run.metrics.det0! < 0).length;
    const [negative, positive, histogram] = presetFigures('rank-two-completion', result);
    expect(negative!.match(/<circle/g)).toHaveLength(negatives);
    expect(positive!.match(/<circle/g)).toHaveLength(result.runs.length - negatives);
    expect(positive).toContain('rank 2: w₁₂w₂₁ + w₂₃w₃₂ = 1');
    expect(histogram).toContain('20 bins from 1 (rank one) to 3');
  });

  it('no preset, or no runs: no figure', () => {
    expect(presetFigures(null, syntheticResult('saddle-to-saddle'))).toEqual([]);
    expect(presetFigures('saddle-to-saddle', { ...syntheticResult('saddle-to-saddle'), runs: [] })).toEqual([]);
  });
});
