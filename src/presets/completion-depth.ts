/**
 * Depth and matrix completion (Arora, Cohen, Hu & Luo 2019, "Implicit regularization in deep
 * matrix factorization"): gradient descent from a small initialisation fits the observed entries
 * of a low-rank matrix with a low-rank end-to-end matrix, and the deeper the factorization the
 * stronger that bias, so the unobserved entries are recovered more accurately. Depth 1 is the
 * control: the loss never touches an unobserved entry, so those stay at their initial values.
 */
import { endToEnd } from '../reference/loss.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import type { Matrix } from '../linalg/matrix.js';
import type { TaskData } from '../problem/types.js';
import { median } from '../analysis/statistics.js';
import { formatNumber } from '../display/format.js';
import { formatTable } from './table.js';
import type { Preset, Verdict } from './types.js';

/** The observed entries count as fitted when their relative error is below this. */
const FITTED = 1e-2;

export const completionDepth: Preset = {
  name: 'completion-depth',
  description:
    'Matrix completion of a rank-2 10×10 matrix from 60% of its entries, depths 1–4: deeper factorizations recover the unobserved entries better',
  config: {
    name: 'completion-depth',
    // 60 observed entries for the 36 degrees of freedom of a rank-2 10×10 matrix: enough for the
    // deeper factorizations, too few for depth 2 to be exact.
    task: {
      kind: 'completion',
      target: { rows: 10, cols: 10, singularValues: [10, 5], seed: 2 },
      observed: 0.6,
      seed: 3,
    },
    network: { depth: 1, width: 10 },
    // The same small end-to-end start W(0) ~ 1e-3 at every depth (balanced: every layer carries a share).
    init: { kind: 'balanced', scale: 0.001, seed: 0 },
    train: { lr: 0.4, steps: 10000 },
    record: { every: 20 },
    seeds: 3,
    sweep: { 'network.depth': [1, 2, 3, 4] },
  },
  measure: (_run, layers, task) => completionErrors(endToEnd(layers), task),
  verdict: completionVerdict,
};

/** ‖P(W − Y)‖_F / ‖P(Y)‖_F over the unobserved (P = 1 − M) and the observed (P = M) entries. */
export function completionErrors(w: Matrix, task: TaskData): Record<string, number> {
  const mask = task.mask;
  if (!mask) return {};
  const sums = { unobserved: 0, unobservedTarget: 0, observed: 0, observedTarget: 0 };
  for (let i = 0; i < w.data.length; i++) {
    const error = (w.data[i]! - task.target.data[i]!) ** 2;
    const target = task.target.data[i]! ** 2;
    if (mask.data[i]) {
      sums.observed += error;
      sums.observedTarget += target;
    } else {
      sums.unobserved += error;
      sums.unobservedTarget += target;
    }
  }
  return {
    unobservedError: Math.sqrt(sums.unobserved / sums.unobservedTarget),
    observedError: Math.sqrt(sums.observed / sums.observedTarget),
  };
}

function completionVerdict(result: ExperimentResult): Verdict {
  const claim =
    'Deep matrix factorization completes a low-rank matrix from few entries, and more accurately the deeper it is: the implicit bias towards low rank grows with depth ' +
    '(Arora, Cohen, Hu & Luo 2019). Depth 1 has no such bias and leaves the unobserved entries at their initial values.';
  const byDepth = new Map<number, ExperimentRun[]>();
  for (const run of result.runs) {
    if (!('unobservedError' in run.metrics)) continue;
    const depth = run.config.widths.length - 1;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), run]);
  }
  const depths = [...byDepth.keys()].sort((a, b) => a - b);
  if (depths.length < 2) {
    return {
      claim,
      measured: ['needs completion runs at two depths or more'],
      pass: false,
      summary: 'FAIL: nothing to compare across depths',
    };
  }
  const rows = depths.map((depth) => {
    const runs = byDepth.get(depth)!;
    return {
      depth,
      unobserved: median(runs.map((r) => r.metrics.unobservedError!)),
      observed: Math.max(...runs.map((r) => r.metrics.observedError!)),
      effectiveRank: median(runs.map((r) => r.effectiveRank ?? NaN)),
      runs: runs.length,
    };
  });
  const measured = formatTable(
    ['depth', 'runs', 'unobserved rel. error (median)', 'observed rel. error (max)', 'effective rank (median)'],
    rows.map((r) => [
      String(r.depth),
      String(r.runs),
      formatNumber(r.unobserved, 3),
      formatNumber(r.observed, 3),
      formatNumber(r.effectiveRank, 3),
    ]),
  );
  const deep = rows.filter((r) => r.depth >= 2);
  const fitted = rows.every((r) => r.observed < FITTED);
  const improves = deep.every((r, i) => i === 0 || r.unobserved <= deep[i - 1]!.unobserved);
  const shallow = rows[0]!;
  const deepest = rows[rows.length - 1]!;
  const better =
    deepest.unobserved < shallow.unobserved && (deep.length < 2 || deepest.unobserved < deep[0]!.unobserved);
  const pass = fitted && improves && better;
  const trend = rows.map((r) => `${formatNumber(r.unobserved, 3)} (depth ${r.depth})`).join(' → ');
  const summary = pass
    ? `PASS: every depth fits the observed entries (error < ${FITTED}); the unobserved error falls with depth: ${trend}`
    : `FAIL: ${fitted ? '' : `some runs do not fit the observed entries (error ≥ ${FITTED}); `}unobserved error by depth: ${trend}${improves ? '' : ' (not falling with depth from 2 on)'}`;
  return { claim, measured, pass, summary };
}
