/**
 * The width-scaling verdict on hand-made results: it passes exactly when the γ < 1 slope of log
 * median lazyDeviation against log w is ≤ −0.5 and every γ > 1 row has plateaus that do not fall
 * with the width.
 */
import { describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import { experimentRun, fullTrace } from '../../src/experiment/experiment-run.js';
import type { ExperimentResult, ExperimentRun } from '../../src/experiment/types.js';
import { widthScaling } from '../../src/presets/width-scaling.js';
import type { Plateau } from '../../src/analysis/index.js';
import { resultOf } from '../helpers/results.js';

const config = { ...widthScaling.config, sweep: { 'network.width': [16, 64], 'init.gamma': [0.5, 2] }, seeds: 1 };

const plateau = (initial: boolean, final: boolean) => ({ initial, final }) as Plateau;

function result(
  lazy: (gamma: number, width: number) => number,
  saddles: (gamma: number, width: number) => number,
): ExperimentResult {
  const runs: ExperimentRun[] = expandRuns(config).map((run) => {
    const base = experimentRun(run, fullTrace({ steps: [0], times: [0], losses: [1], singularValues: [[]] }), false);
    const gamma = run.config.init.gamma!;
    const width = run.config.widths[1]!;
    return {
      ...base,
      lazyDeviation: lazy(gamma, width),
      plateaus: [
        plateau(true, false),
        ...Array.from({ length: saddles(gamma, width) }, () => plateau(false, false)),
        plateau(false, true),
      ],
    };
  });
  return resultOf(config, runs);
}

describe('width-scaling verdict', () => {
  it('passes on a falling lazy row (slope −1) and saddles kept with width', () => {
    const verdict = widthScaling.verdict(
      result(
        (g, w) => (g < 1 ? 1 / w : 0.9),
        (g) => (g > 1 ? 2 : 0),
      ),
    );
    expect(verdict.pass).toBe(true);
    expect(verdict.summary).toMatch(/^PASS/);
  });

  it('fails when lazyDeviation falls too slowly (slope −0.25)', () => {
    expect(
      widthScaling.verdict(
        result(
          (g, w) => (g < 1 ? w ** -0.25 : 0.9),
          (g) => (g > 1 ? 2 : 0),
        ),
      ).pass,
    ).toBe(false);
  });

  it('fails when the plateaus fall with width or never appear', () => {
    expect(
      widthScaling.verdict(
        result(
          (_, w) => 1 / w,
          (g, w) => (g > 1 ? (w === 16 ? 2 : 1) : 0),
        ),
      ).pass,
    ).toBe(false);
    expect(
      widthScaling.verdict(
        result(
          (_, w) => 1 / w,
          () => 0,
        ),
      ).pass,
    ).toBe(false);
  });
});
