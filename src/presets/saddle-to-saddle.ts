/**
 * Saddle-to-saddle dynamics (Jacot, Ged, Şimşek, Hongler & Gabriel 2021; Saxe, McClelland &
 * Ganguli 2014): from a small initialisation, gradient descent on a deep linear factorization
 * learns the target's singular modes one at a time, largest first, and between two escapes the
 * loss stalls at the saddle that has learned the k largest modes, where it equals ½ Σ_{i>k} s_i²
 * (SPEC §9), with numerical rank k.
 *
 * Depth 3: at depth 2 escapes from a small start follow one another too closely (each takes
 * ~ ln(s/σ₀)/(2s)) for targets whose values differ by factors of two; at depth 3 an escape takes
 * ~ σ₀^{−1/3}/s, so each plateau spans about a factor two in time. The rank tolerance 0.05 counts
 * a mode once it is being learned (σ > 0.05·σ₁ = 0.4 here), not while it creeps up from σ₀.
 */
import { saddleLevels } from '../analysis/index.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatNumber } from '../view/format.js';
import { fraction, formatTable, percent } from './table.js';
import type { Preset, Verdict } from './types.js';

/** A plateau counts as the saddle of its rank k when its loss is within this of ½ Σ_{i>k} s_i². */
const LEVEL_TOLERANCE = 0.02;
/** Each saddle must be resolved in at least this fraction of runs (seeds differ in how far apart their escapes fall). */
const SEEN_FRACTION = 0.5;
/** This fraction of all intermediate plateaus must sit at a predicted level. */
const MATCHED_FRACTION = 0.9;
/** Converged: final loss below this fraction of the initial saddle level ½ Σ s_i². */
const CONVERGED = 1e-6;

export const saddleToSaddle: Preset = {
  name: 'saddle-to-saddle',
  description: 'Small init, rank-4 target s = (8, 4, 2, 1), depth 3: the loss plateaus at ½Σ_{i>k} s_i² while rank k is learned, one mode at a time',
  config: {
    name: 'saddle-to-saddle',
    task: { kind: 'factorization', target: { rows: 8, cols: 8, singularValues: [8, 4, 2, 1], seed: 1 } },
    network: { depth: 3, width: 8 },
    // Per-layer std 0.004: the end-to-end W(0) has singular values ~1e-7.
    init: { kind: 'gaussian', std: 0.004, seed: 0 },
    train: { lr: 0.02, steps: 15000 },
    record: { every: 10, spectra: 'gpu', rankTolerance: 0.05 },
    seeds: 16,
  },
  verdict: saddleVerdict,
};

interface SaddleMatch {
  k: number;
  plateau: ExperimentRun['plateaus'][number];
  predicted: number;
  error: number;
}

function saddleVerdict(result: ExperimentResult): Verdict {
  const claim =
    'From a small initialisation the loss stalls at the saddles of the factorization loss, learning one singular mode at a time: ' +
    'the k-th plateau has numerical rank k and loss ½ Σ_{i>k} s_i² (Jacot et al. 2021, saddle-to-saddle; Saxe et al. 2014).';
  const runs = result.runs.filter((run) => !run.diverged);
  const targets = runs.map((run) => ('singularValues' in run.config.task.target && run.config.task.kind === 'factorization' ? run.config.task.target.singularValues : null));
  if (runs.length === 0 || targets.some((t) => t === null)) {
    return { claim, measured: ['no converging factorization run with a target given by its singular values'], pass: false, summary: 'FAIL: nothing to compare with the saddle levels' };
  }
  const perRun = runs.map((run, i) => matchSaddles(run, targets[i]!));
  const targetRank = Math.max(...targets.map((t) => t!.filter((s) => s > 0).length));
  const saddles = Array.from({ length: targetRank - 1 }, (_, i) => i + 1);
  const seen = saddles.map((k) => perRun.filter((m) => m.matched.some((x) => x.k === k)).length);
  const plateaus = perRun.reduce((sum, m) => sum + m.intermediate, 0);
  const matched = perRun.reduce((sum, m) => sum + m.matched.length, 0);
  const worst = Math.max(0, ...perRun.flatMap((m) => m.matched.map((x) => x.error)));
  const converged = runs.filter((run, i) => run.finalLoss < CONVERGED * saddleLevels(targets[i]!)[0]! && run.rank === targets[i]!.filter((s) => s > 0).length).length;
  const shown = perRun.findIndex((m) => saddles.every((k) => m.matched.some((x) => x.k === k)));
  const example = shown >= 0 ? shown : 0;
  const exampleRun = runs[example]!;

  const table = formatTable(
    ['saddle k', 'rank', 't start', 't end', 'loss', 'predicted ½Σ_{i>k}s_i²', 'error'],
    perRun[example]!.matched.map((x) => [
      String(x.k),
      String(x.plateau.rank),
      formatNumber(x.plateau.startTime, 3),
      formatNumber(x.plateau.endTime, 3),
      formatNumber(x.plateau.loss, 5),
      formatNumber(x.predicted, 5),
      percent(x.error),
    ]),
  );
  const measured = [
    `run ${exampleRun.id} (init.seed ${exampleRun.config.init.seed}), plateaus between the start and convergence:`,
    ...table.map((line) => `  ${line}`),
    `all ${runs.length} runs: ${plateaus} such plateaus, ${matched} within ${percent(LEVEL_TOLERANCE)} of the level for their rank (largest error ${percent(worst)})`,
    `saddle seen: ${saddles.map((k, i) => `k=${k} in ${fraction(seen[i]!, runs.length)} runs`).join(', ')}`,
    `converged to the rank-${targetRank} target (loss < ${CONVERGED.toExponential(0)} × ½Σs_i²): ${fraction(converged, runs.length)} runs`,
  ];
  const pass =
    plateaus > 0 && matched >= MATCHED_FRACTION * plateaus && seen.every((n) => n >= SEEN_FRACTION * runs.length) && converged >= MATCHED_FRACTION * runs.length;
  const summary = pass
    ? `PASS: ${matched}/${plateaus} plateaus at the predicted saddle levels (largest error ${percent(worst)}), every saddle seen in ≥ ${Math.min(...seen)}/${runs.length} runs`
    : `FAIL: ${matched}/${plateaus} plateaus at predicted levels (need ${percent(MATCHED_FRACTION)}), saddles seen in ${seen.join('/')} of ${runs.length} runs (need half), ${converged}/${runs.length} converged`;
  return { claim, measured, pass, summary };
}

/** The run's plateaus between the start and convergence, each matched to the saddle of its rank. */
function matchSaddles(run: ExperimentRun, target: number[]): { intermediate: number; matched: SaddleMatch[] } {
  const levels = saddleLevels(target);
  const intermediate = run.plateaus.filter((p) => !p.initial && !p.final);
  const matched: SaddleMatch[] = [];
  for (const plateau of intermediate) {
    const k = plateau.rank;
    if (k === null || k < 1 || k >= levels.length - 1) continue;
    const predicted = levels[k]!;
    const error = Math.abs(plateau.loss - predicted) / predicted;
    if (error <= LEVEL_TOLERANCE) matched.push({ k, plateau, predicted, error });
  }
  return { intermediate: intermediate.length, matched };
}
