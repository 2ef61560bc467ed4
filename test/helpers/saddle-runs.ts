/**
 * A labelled set of saddle-to-saddle runs for evaluating the plateau detector as a classifier
 * (issue 18). Each case trains one small network by the Float64 reference of layerwise GD
 * (SPEC §3; the GPU matches it step for step, see engine.gpu.test.ts) and records like the engine
 * does, every `cadence` steps. Its labels come from the closed-form saddle levels and the loss at
 * EVERY step, never from the detector: saddle k is present when the loss stays within
 * LABEL_TOLERANCE of its level L_k for a stretch spanning at least LABEL_SPAN in time.
 */
import { type SaddleAnalysis, saddleLevels } from '../../src/analysis/index.js';
import type { TracePoint } from '../../src/analysis/index.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { singularValues } from '../../src/linalg/decompositions.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildTask } from '../../src/problem/task.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { testConfig } from './configs.js';

/** The loss counts as resting at L_k within this relative distance … */
export const LABEL_TOLERANCE = 0.02;
/** … over a stretch of at least this factor t_end/t_start. */
export const LABEL_SPAN = 1.15;

export interface SaddleCase {
  name: string;
  depth: number;
  /** Ratio s_i / s_{i+1} of successive target values. */
  gap: number;
  /** Target rank r. */
  rank: number;
  /** Largest initial end-to-end singular value, relative to the smallest target value. */
  sigma0: number;
  /** lr as a fraction of the stability scale 1/(N s_1^{2−2/N}) (times |Ω| for completion). */
  lrFraction: number;
  cadence: number;
  completion: boolean;
  seed: number;
}

export interface SaddleLabel {
  /** Learned modes at the saddle (0: the origin, the initial plateau). */
  k: number;
  level: number;
  startTime: number;
  endTime: number;
}

export interface LabelledRun {
  case: SaddleCase;
  config: ResolvedConfig;
  /** Records every `cadence` steps, as the engine writes them. */
  trace: TracePoint[];
  /** Saddle levels L_k, k = 0 … r (L_r = 0). */
  levels: number[];
  references: number[];
  /** Saddles present in the dynamics (from the loss at every step). */
  labels: SaddleLabel[];
  /** Whether the run reached its global minimum (loss < 1e-4·L_0 at the end). */
  converged: boolean;
}

const SIZE = 4;

/** The target values s_i = gap^{r−i}, i = 1 … r (the smallest is 1). */
function targetValues(gap: number, rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => gap ** (rank - 1 - i));
}

/**
 * Completion with closed-form levels: a diagonal rank-3 target observed on its top-left 3×3 block
 * (|Ω| = 9), free elsewhere. The gradient lives in the block, so the block trains as a 3×3
 * factorization of diag(s) and saddle k leaves Σ_{i>k} s_i² unexplained: L_k = Σ_{i>k} s_i² / (2|Ω|).
 * (Observing only the diagonal would not do: a rank-one u vᵀ matches any diagonal.)
 */
function completionMask(): number[][] {
  return Array.from({ length: SIZE }, (_, i) => Array.from({ length: SIZE }, (_, j) => (i < 3 && j < 3 ? 1 : 0)));
}

function caseConfig(c: SaddleCase): ResolvedConfig {
  const s = targetValues(c.gap, c.rank);
  const n = SIZE;
  // A Gaussian n×n layer of std c has σ_max ≈ 2c√n; the product of N of them ≈ (c√n)^N·(small factor).
  const std = Math.pow(c.sigma0, 1 / c.depth) / Math.sqrt(n);
  const observed = c.completion
    ? completionMask()
        .flat()
        .reduce((a, b) => a + b, 0)
    : 1;
  const lr = (c.lrFraction * observed) / (c.depth * Math.pow(s[0]!, 2 - 2 / c.depth));
  const target = c.completion
    ? { rows: n, cols: n, singularValues: s, aligned: true as const }
    : { rows: n, cols: n, singularValues: s, seed: c.seed + 100 };
  return testConfig({
    task: {
      kind: c.completion ? 'completion' : 'factorization',
      target,
      ...(c.completion ? { mask: completionMask() } : {}),
      seed: c.seed,
    },
    widths: Array.from({ length: c.depth + 1 }, () => n),
    init: { kind: 'gaussian', std, gain: undefined, seed: c.seed },
    lr,
  });
}

/**
 * Trains until 40% past the step where the loss fell below 1e-5·L_0, or maxSteps: a run cut off
 * before it converged is labelled with the saddles it reached (its last may be one not yet left).
 */
export function labelledRun(c: SaddleCase, maxSteps = 25_000): LabelledRun {
  const config = caseConfig(c);
  const task = buildTask(config);
  const trainer = new ReferenceTrainer(task, initialLayers(config, task), { lr: config.train.lr, weightDecay: 0 });
  const s = targetValues(c.gap, c.rank);
  const observed = task.observedCount ?? 1;
  const levels = saddleLevels(s, c.completion ? 1 / observed : 1);
  const losses: number[] = [];
  const trace: TracePoint[] = [];
  let stopAt = maxSteps;
  for (let step = 0; step <= stopAt; step++) {
    const w = trainer.endToEnd();
    const loss = trainer.loss();
    losses.push(loss);
    if (step % c.cadence === 0)
      trace.push({ step, time: step * config.train.lr, loss, singularValues: [...singularValues(w)] });
    if (stopAt === maxSteps && loss < 1e-5 * levels[0]!) stopAt = Math.min(maxSteps, Math.ceil(step * 1.4));
    if (step < stopAt) trainer.step();
  }
  const lr = config.train.lr;
  return {
    case: c,
    config,
    trace,
    levels,
    references: s,
    labels: labelsOf(losses, lr, levels),
    converged: losses[losses.length - 1]! < 1e-4 * levels[0]!,
  };
}

/** Maximal stretches of steps with |C − L_k| ≤ LABEL_TOLERANCE·L_k spanning ≥ LABEL_SPAN in t, k < r. */
function labelsOf(losses: number[], lr: number, levels: number[]): SaddleLabel[] {
  const labels: SaddleLabel[] = [];
  for (let k = 0; k + 1 < levels.length; k++) {
    const level = levels[k]!;
    let start = -1;
    for (let step = 1; step <= losses.length; step++) {
      const inside = step < losses.length && Math.abs(losses[step]! - level) <= LABEL_TOLERANCE * level;
      if (inside && start < 0) start = step;
      if (!inside && start >= 0) {
        const [a, b] = [start * lr, (step - 1) * lr];
        if (b / a >= LABEL_SPAN) labels.push({ k, level, startTime: a, endTime: b });
        start = -1;
      }
    }
  }
  return labels;
}

/**
 * The labelled set: every depth 2–5 with every gap 1.5–4, init scales over three decades (per
 * depth, so that most runs converge within 25,000 steps), lr over a decade, record cadences 1–50, and
 * completion cases; chosen by cycling the lists (lengths coprime) rather than a full product.
 */
export function saddleCases(): SaddleCase[] {
  const depths = [2, 3, 4, 5];
  const gaps = [1.5, 2, 3, 4, 2.5];
  // Three decades of σ₀ for each depth: depth 2 escapes in ~ln(s/σ₀)/s, depth N ≥ 3 in ~σ₀^{−(1−2/N)}/s.
  const scales: Record<number, number[]> = {
    2: [1e-7, 10 ** -5.5, 1e-4],
    3: [1e-6, 10 ** -4.5, 1e-3],
    4: [1e-5, 10 ** -3.5, 1e-2],
    5: [1e-4, 10 ** -2.5, 1e-1],
  };
  const lrFractions = [0.1, 0.32, 1];
  const cadences = [1, 5, 20, 50, 10, 2, 35];
  const cases: SaddleCase[] = [];
  for (let i = 0; i < 64; i++) {
    const depth = depths[i % 4]!;
    const completion = i % 16 === 7;
    cases.push({
      name: `case ${i}`,
      depth,
      gap: gaps[i % 5]!,
      rank: 3,
      sigma0: scales[depth]![Math.floor(i / 4) % 3]!,
      lrFraction: lrFractions[i % 3]!,
      cadence: cadences[i % 7]!,
      completion,
      seed: i,
    });
  }
  return cases;
}

/** Relative distance from L_k within which a reported plateau's loss counts as that saddle's. */
export const MATCH_TOLERANCE = 0.05;

export interface DetectorScore {
  /** Saddles present (labels), and those the detector found or reported as unresolved. */
  present: number;
  found: number;
  /** Plateaus reported, and those that are a present saddle (right rank, level, time) or convergence. */
  reported: number;
  correct: number;
  /** Unresolved reports, and those whose saddle is present (the rest: nothing present to resolve). */
  unresolved: number;
  unresolvedPresent: number;
  misses: string[];
  falsePositives: string[];
}

function matches(
  label: SaddleLabel,
  p: { rank: number | null; loss: number; startTime: number; endTime: number },
): boolean {
  return (
    p.rank === label.k &&
    p.startTime <= label.endTime &&
    p.endTime >= label.startTime &&
    Math.abs(p.loss - label.level) <= MATCH_TOLERANCE * label.level
  );
}

/** Scores one run's analysis against its labels; convergence counts as a correct final plateau. */
export function scoreRun(run: LabelledRun, analysis: SaddleAnalysis): DetectorScore {
  const name = `${run.case.name} (N=${run.case.depth}, gap ${run.case.gap}, σ₀ ${run.case.sigma0.toExponential(0)}, lr ${run.case.lrFraction}, every ${run.case.cadence}${run.case.completion ? ', completion' : ''})`;
  const score: DetectorScore = {
    present: run.labels.length,
    found: 0,
    reported: analysis.plateaus.length,
    correct: 0,
    unresolved: analysis.unresolved.length,
    unresolvedPresent: 0,
    misses: [],
    falsePositives: [],
  };
  for (const label of run.labels) {
    const found =
      analysis.plateaus.some((p) => matches(label, p)) || analysis.unresolved.some((u) => u.rank === label.k);
    if (found) score.found++;
    else
      score.misses.push(
        `${name}: saddle k=${label.k} at ${label.level.toPrecision(3)}, t ${label.startTime.toPrecision(3)}–${label.endTime.toPrecision(3)}`,
      );
  }
  const rank = run.references.length;
  for (const p of analysis.plateaus) {
    // The initial plateau counts by definition (its start, t = 0, is never seen; SPEC §9).
    const origin = p.initial && p.rank === 0;
    const convergence = p.final && run.converged && p.rank === rank && p.loss < 1e-3 * run.levels[0]!;
    if (origin || convergence || run.labels.some((label) => matches(label, p))) score.correct++;
    else
      score.falsePositives.push(
        `${name}: plateau rank ${p.rank} at ${p.loss.toPrecision(3)}, t ${p.startTime.toPrecision(3)}–${p.endTime.toPrecision(3)}${p.initial ? ' (initial)' : ''}${p.final ? ' (final)' : ''}`,
      );
  }
  score.unresolvedPresent = analysis.unresolved.filter((u) => run.labels.some((label) => label.k === u.rank)).length;
  return score;
}

export function totalScore(scores: readonly DetectorScore[]): DetectorScore {
  const total: DetectorScore = {
    present: 0,
    found: 0,
    reported: 0,
    correct: 0,
    unresolved: 0,
    unresolvedPresent: 0,
    misses: [],
    falsePositives: [],
  };
  for (const s of scores) {
    total.present += s.present;
    total.found += s.found;
    total.reported += s.reported;
    total.correct += s.correct;
    total.unresolved += s.unresolved;
    total.unresolvedPresent += s.unresolvedPresent;
    total.misses.push(...s.misses);
    total.falsePositives.push(...s.falsePositives);
  }
  return total;
}
