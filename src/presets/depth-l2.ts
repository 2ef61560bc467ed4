/**
 * Weight decay on the layers is a Schatten-2/N penalty on the end-to-end matrix (SPEC §7;
 * Dai, Karzand & Srebro 2021; Arora et al. 2019): Σ_k ‖W_k‖²_F ≥ N Σ_i σ_i^{2/N}, with equality
 * for balanced factorisations, and weight decay balances the layers (D_k decays as e^{−2λt},
 * SPEC §4), so at the end the two sides agree. The penalty (λN/2) Σ σ^{2/N} is more and more
 * concave as N grows: a mode can survive only if s_i exceeds the existence threshold s_min, which
 * rises with depth, so the final rank falls with depth. Surviving is not being optimal: for N ≥ 3 a
 * mode with s_min < s_i < s_glob keeps a local minimum σ₊ while the L2 optimum kills it (SPEC §7),
 * so the verdict labels every mode of every run global or local by the closed form (run.minimum).
 */
import { l2Thresholds, type ModeState, regularisedFixedPoints, schattenIdentity } from '../analysis/index.js';
import { minimumLabel } from '../experiment/experiment-run.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatNumber } from '../display/format.js';
import { formatTable, percent } from './table.js';
import type { Preset, Verdict } from './types.js';

/** |Σ‖W_k‖² / (N Σσ^{2/N}) − 1| allowed at the end (weight decay has balanced the layers to e^{−2λt}). */
const IDENTITY_TOLERANCE = 1e-3;
/** Surviving singular values must sit within this of the nonzero critical point of their mode. */
const VALUE_TOLERANCE = 0.02;

export const depthL2: Preset = {
  name: 'depth-l2',
  description:
    'Weight-decay sweep at depths 2–5: the final rank falls with depth, and Σ‖W_k‖² = N Σσ^{2/N} at the end (L2 on layers = Schatten-2/N)',
  config: {
    name: 'depth-l2',
    // Target values straddling the survival thresholds of depths 2–5 for λ = 0.05 and 0.1.
    task: {
      kind: 'factorization',
      target: { rows: 8, cols: 8, singularValues: [2, 1, 0.6, 0.44, 0.36, 0.2], seed: 1 },
    },
    network: { depth: 2, width: 8 },
    // Orthogonal layers: W(0) has every σ_i = 1, above every mode's barrier, and the layers start balanced.
    init: { kind: 'orthogonal', scale: 1, seed: 0 },
    train: { lr: 0.05, steps: 4000 },
    record: { every: 20 },
    seeds: 2,
    sweep: { 'network.depth': [2, 3, 4, 5], 'train.weightDecay': [0.05, 0.1] },
  },
  measure: (_run, layers) => {
    const { sumSquares, depthSchatten, ratio } = schattenIdentity(layers);
    return { sumSquares, depthSchatten, schattenRatio: ratio };
  },
  verdict: l2Verdict,
};

interface Row {
  depth: number;
  lambda: number;
  runs: ExperimentRun[];
  ranks: number[];
  predicted: number;
  optimal: number;
  sMin: number;
  sGlob: number;
  /** Per mode of Y: G (at its global minimiser in every run), L (a local one in some run), ? (a run not converged). */
  modes: string;
  ratio: number;
  valueError: number;
}

function l2Verdict(result: ExperimentResult): Verdict {
  const claim =
    'Weight decay λ on the layers of a depth-N network penalises the end-to-end matrix by (λN/2) Σ σ_i^{2/N} (SPEC §7): at the end Σ_k ‖W_k‖² = N Σ σ_i^{2/N}, ' +
    'and a mode survives only when s_i exceeds a threshold that grows with N, so the final rank falls with depth.';
  const groups = new Map<string, ExperimentRun[]>();
  for (const run of result.runs) {
    if (
      run.diverged ||
      run.config.task.kind !== 'factorization' ||
      !('singularValues' in run.config.task.target) ||
      !('schattenRatio' in run.metrics)
    )
      continue;
    const key = `${run.config.widths.length - 1}|${run.config.train.weightDecay}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const rows: Row[] = [...groups.values()].map((runs) => {
    const { config } = runs[0]!;
    const depth = config.widths.length - 1;
    const lambda = config.train.weightDecay;
    const s = (config.task.target as { singularValues: number[] }).singularValues;
    const { sMin, sGlob } = l2Thresholds(depth, lambda);
    // The nonzero minimum of each surviving mode: the largest critical point (SPEC §7).
    const roots = s
      .map((si) => regularisedFixedPoints(depth, si, lambda).at(-1))
      .filter((r): r is number => r !== undefined && r > 0);
    const expected = roots.sort((a, b) => b - a).slice(0, s.filter((si) => si > sMin).length);
    const valueError = Math.max(
      0,
      ...runs.flatMap((run) =>
        expected.slice(0, run.rank ?? 0).map((root, i) => Math.abs(run.singularValues[i]! - root) / root),
      ),
    );
    return {
      depth,
      lambda,
      runs,
      ranks: runs.map((run) => run.rank ?? NaN),
      predicted: expected.length,
      optimal: s.filter((si) => si > sGlob).length,
      sMin,
      sGlob,
      modes: modeLabels(runs),
      ratio: Math.max(...runs.map((run) => Math.abs(run.metrics.schattenRatio! - 1))),
      valueError,
    };
  });
  rows.sort((a, b) => a.lambda - b.lambda || a.depth - b.depth);
  if (rows.length < 2)
    return {
      claim,
      measured: ['needs factorization runs at two depths or more'],
      pass: false,
      summary: 'FAIL: nothing to compare across depths',
    };
  const legend =
    'minimum per mode: G = at its global minimiser in every run, L = only a local minimum in some run (σ₊ kept with s_i < s_glob), ? = a run not converged (run.minimum)';
  const measured = formatTable(
    [
      'λ',
      'depth',
      'final rank',
      'can survive ≤ (s_i > s_min)',
      'L2-optimal rank (s_i > s_glob)',
      's_min',
      's_glob',
      'minimum per mode s_i',
      '|Σ‖W_k‖²/(NΣσ^{2/N}) − 1|',
      'surviving σ_i vs critical point',
    ],
    rows.map((r) => [
      formatNumber(r.lambda, 3),
      String(r.depth),
      r.ranks.join(', '),
      String(r.predicted),
      String(r.optimal),
      formatNumber(r.sMin, 3),
      formatNumber(r.sGlob, 3),
      r.modes,
      formatNumber(r.ratio, 2),
      percent(r.valueError),
    ]),
  );
  const lambdas = [...new Set(rows.map((r) => r.lambda))];
  const falls = lambdas.every((lambda) => {
    const line = rows.filter((r) => r.lambda === lambda);
    const worst = line.map((r) => Math.max(...r.ranks));
    const best = line.map((r) => Math.min(...r.ranks));
    return line.every((_, i) => i === 0 || worst[i]! <= best[i - 1]!) && worst[worst.length - 1]! < best[0]!;
  });
  const bounded = rows.every((r) => r.ranks.every((rank) => rank <= r.predicted));
  const identity = Math.max(...rows.map((r) => r.ratio));
  const values = Math.max(...rows.map((r) => r.valueError));
  const pass = falls && bounded && identity <= IDENTITY_TOLERANCE && values <= VALUE_TOLERANCE;
  const summary =
    `${pass ? 'PASS' : 'FAIL'}: final rank ${falls ? 'falls' : 'does not fall'} with depth at every λ, ${bounded ? 'never above' : 'sometimes above'} the count of s_i over s_min; ` +
    `Schatten identity within ${formatNumber(identity, 2)} (tolerance ${IDENTITY_TOLERANCE}); surviving σ_i within ${percent(values)} of their critical points (tolerance ${percent(VALUE_TOLERANCE)})`;
  const local = rows
    .filter((r) => r.modes.includes(':L'))
    .map((r) => `N = ${r.depth}, λ = ${formatNumber(r.lambda, 3)}`);
  const optimality =
    local.length > 0
      ? `; local, not global, L2 minima reached at ${local.join('; ')}`
      : '; every surviving mode is L2-optimal';
  return { claim, measured: [...measured, legend], pass, summary: summary + optimality };
}

/** "s:G" per mode of the target, over every run of a row (the worst label wins: ? over L over G). */
function modeLabels(runs: ExperimentRun[]): string {
  const labels = runs.map((run) =>
    minimumLabel(run.config, run.trace, run.singularValues, run.weightNormSq, run.diverged),
  );
  const values = (runs[0]!.config.task.target as { singularValues: number[] }).singularValues;
  return values
    .map((s, i) => {
      const states = labels.map((label) => label?.modes[i]);
      const mark = states.some((state) => state === undefined)
        ? '?'
        : states.some((state) => !(state as ModeState).global)
          ? 'L'
          : 'G';
      return `${formatNumber(s, 2)}:${mark}`;
    })
    .join(' ');
}
