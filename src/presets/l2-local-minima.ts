/**
 * "Local minima can generalize better than global ones" (Jacot et al. 2021, on L2-regularised deep
 * linear networks), in the one setting where every minimum is known in closed form (SPEC §7):
 * full-observation denoising, Y = Y_clean + noise. Y_clean has a strong mode and a weak one with
 * s_min < s < s_glob at the chosen (N, λ): the global minimum of J kills the weak mode, the local
 * minimum σ₊ keeps it (shrunk), so it sits closer to Y_clean. Which one gradient descent reaches
 * depends on the initialisation scale: below the barrier σ₋ the weak mode dies. Every run is
 * labelled by run.minimum (the closed form, not a guess) and scored by run.testError
 * ‖W − Y_clean‖/‖Y_clean‖ (SPEC §12).
 */
import { interquartileRange, l2Thresholds, median } from '../analysis/index.js';
import type { MinimumKind } from '../analysis/index.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatNumber } from '../display/format.js';
import { formatTable, fraction } from './table.js';
import type { Preset, Verdict } from './types.js';

/** The weak mode of Y_clean: inside (s_min, s_glob) for N = 3 at λ = 0.155 and for N = 4 at λ = 0.1. */
const WEAK = 0.46;
const DEPTHS = [3, 4];

export const l2LocalMinima: Preset = {
  name: 'l2-local-minima',
  description:
    'Denoising with weight decay at depths 3 and 4, init scale swept: runs that reach the local minimum keeping a weak mode have lower test error than runs at the global minimum',
  config: {
    name: 'l2-local-minima',
    task: {
      kind: 'factorization',
      target: { rows: 5, cols: 5, singularValues: [2, WEAK], seed: 1 },
      noise: 0.01,
      seed: 1,
    },
    network: { depth: 3, width: 5 },
    // Balanced layers with a random end-to-end start of scale `scale`: its overlap with the weak
    // mode is random, so the fraction of runs that clear the barrier σ₋ rises with the scale.
    init: { kind: 'balanced', scale: 0.1, seed: 0 },
    // t = 150: the dying modes decay as e^{−λNt}, far below the zero tolerance of run.minimum.
    train: { lr: 0.1, steps: 1500 },
    record: { every: 50 },
    seeds: 32,
    // Two noise draws; λ = 0.1 puts the weak mode in N = 4's window (and above N = 3's s_glob),
    // λ = 0.155 in N = 3's (and below N = 4's s_min): the mismatched pairs are controls.
    sweep: {
      'task.seed': [1, 2],
      'network.depth': DEPTHS,
      'train.weightDecay': [0.1, 0.155],
      'init.scale': [0.05, 0.1, 0.2, 0.5],
    },
  },
  verdict: localMinimaVerdict,
};

interface Group {
  depth: number;
  lambda: number;
  runs: ExperimentRun[];
}

function localMinimaVerdict(result: ExperimentResult): Verdict {
  const claim =
    'With weight decay, the global minimum of J = C + (λ/2)Σ‖W_k‖² kills a weak mode with s_min < s < s_glob, while a local minimum keeps it; ' +
    'on a noisy target that local minimum is closer to the clean one, so it generalizes better (Jacot et al. 2021). Small inits reach the global minimum, large ones the local one.';
  const groups = new Map<string, Group>();
  for (const run of result.runs) {
    if (run.config.task.kind !== 'factorization' || run.minimum === null) continue;
    const depth = run.config.widths.length - 1;
    const lambda = run.config.train.weightDecay;
    const key = `${depth}|${lambda}`;
    if (!groups.has(key)) groups.set(key, { depth, lambda, runs: [] });
    groups.get(key)!.runs.push(run);
  }
  const sorted = [...groups.values()].sort((a, b) => a.depth - b.depth || a.lambda - b.lambda);
  if (sorted.length === 0)
    return {
      claim,
      measured: ['needs factorization runs with weight decay and spectra'],
      pass: false,
      summary: 'FAIL: no run could be labelled',
    };

  const measured: string[] = [];
  const thresholds = sorted.map((g) => ({ g, t: l2Thresholds(g.depth, g.lambda) }));
  measured.push(
    ...formatTable(
      ['N', 'λ', 's_min', 's_glob', `weak s = ${WEAK}`],
      thresholds.map(({ g, t }) => [
        String(g.depth),
        formatNumber(g.lambda, 3),
        formatNumber(t.sMin, 4),
        formatNumber(t.sGlob, 4),
        WEAK <= t.sMin ? 'below s_min' : WEAK < t.sGlob ? 'in (s_min, s_glob)' : 'above s_glob',
      ]),
    ),
  );
  measured.push('');
  const fractions: string[][] = [];
  for (const g of sorted) {
    const scales = [...new Set(g.runs.map((r) => initScale(r)))].sort((a, b) => a - b);
    for (const scale of scales) {
      const at = g.runs.filter((r) => initScale(r) === scale);
      const count = (kind: MinimumKind) => fraction(at.filter((r) => r.minimum === kind).length, at.length);
      fractions.push([
        String(g.depth),
        formatNumber(g.lambda, 3),
        formatNumber(scale, 3),
        count('global'),
        count('local'),
        count('not-converged'),
      ]);
    }
  }
  measured.push(...formatTable(['N', 'λ', 'init scale', 'global', 'local', 'not converged'], fractions));
  measured.push('');

  const comparisons = sorted.map((g) => {
    const errors = (kind: MinimumKind) =>
      g.runs.filter((r) => r.minimum === kind && r.testError !== null).map((r) => r.testError!);
    const global = errors('global');
    const local = errors('local');
    const spread = Math.max(
      global.length > 1 ? interquartileRange(global) : 0,
      local.length > 1 ? interquartileRange(local) : 0,
    );
    const gap = median(global) - median(local);
    const { sMin, sGlob } = l2Thresholds(g.depth, g.lambda);
    // Only where the weak mode lies between the thresholds does the local minimum keep it; elsewhere
    // (controls) a "local" run is one that killed a mode the global minimum keeps.
    const window = WEAK > sMin && WEAK < sGlob;
    return { g, global, local, spread, gap, window, comparable: window && global.length > 0 && local.length > 0 };
  });
  measured.push(
    ...formatTable(
      [
        'N',
        'λ',
        'role',
        'J (median)',
        'testError global: median, IQR (runs)',
        'testError local: median, IQR (runs)',
        'global − local',
        'spread (max IQR)',
      ],
      comparisons.map((c) => [
        String(c.g.depth),
        formatNumber(c.g.lambda, 3),
        c.window ? 'judged' : 'control',
        formatNumber(median(c.g.runs.map((r) => r.objective).filter(Number.isFinite)), 4),
        c.global.length > 0
          ? `${formatNumber(median(c.global), 4)}, ${formatNumber(interquartileRange(c.global), 2)} (${c.global.length})`
          : '—',
        c.local.length > 0
          ? `${formatNumber(median(c.local), 4)}, ${formatNumber(interquartileRange(c.local), 2)} (${c.local.length})`
          : '—',
        c.global.length > 0 && c.local.length > 0 ? formatNumber(c.gap, 3) : '—',
        c.global.length > 0 && c.local.length > 0 ? formatNumber(c.spread, 2) : '—',
      ]),
    ),
  );

  measured.push(
    'judged: the weak mode lies in (s_min, s_glob), so "local" keeps it; control: it does not, and a "local" run there has killed a mode the global minimum keeps (expected to generalize worse)',
    `spread: the larger interquartile range of testError across the runs (32 init seeds × ${new Set(result.runs.map((r) => r.config.task.seed)).size} noise draws per point)`,
  );
  const comparable = comparisons.filter((c) => c.comparable);
  const better = comparable.filter((c) => c.gap > c.spread);
  const coveredDepths = DEPTHS.filter((depth) => comparable.some((c) => c.g.depth === depth));
  const pass = coveredDepths.length === DEPTHS.length && better.length === comparable.length;
  const detail = comparable.map(
    (c) =>
      `N = ${c.g.depth}, λ = ${formatNumber(c.g.lambda, 3)}: ${formatNumber(median(c.local), 4)} vs ${formatNumber(median(c.global), 4)} (spread ${formatNumber(c.spread, 2)})`,
  );
  const summary = pass
    ? `PASS: local minima have the lower median testError at every judged (N, λ), by more than the spread across seeds — ${detail.join('; ')}`
    : `FAIL: ${coveredDepths.length < DEPTHS.length ? `both kinds of minimum reached in the judged window only at N = ${coveredDepths.join(', ') || 'none'} (needs ${DEPTHS.join(' and ')})` : 'local minima are not better by more than the spread everywhere'}${detail.length > 0 ? ` — ${detail.join('; ')}` : ''}`;
  return { claim, measured, pass, summary };
}

function initScale(run: ExperimentRun): number {
  return run.config.init.scale ?? NaN;
}
