/**
 * The standard workloads of the throughput benchmark and the inputs every implementation starts
 * from. All are full-batch GD on one factorization target of rank 3 (singular values 3, 2, 1), so
 * the numbers measure the engine, not a task kernel; they differ in what limits throughput:
 *   ensemble — many tiny networks (dispatch overhead and batching),
 *   mid      — a few 64×64 networks (the matmul kernel at a moderate size),
 *   large    — one deep 256×256 network (the matmul kernel alone);
 *   huge     — 16,384 tiny networks (whether batching alone fills a GPU);
 *   ensemble-linearized — ensemble with record.linearized, for the linear model's cost.
 */
import type { Config, SpectraMode, StepKernel } from '../src/config/types.js';
import { expandRuns } from '../src/config/index.js';
import type { Matrix } from '../src/linalg/matrix.js';
import { initialLayers } from '../src/problem/init.js';
import { buildTask } from '../src/problem/task.js';
import type { TaskData } from '../src/problem/types.js';

export interface Workload {
  name: string;
  /** Networks trained at once (one seed each). */
  batch: number;
  depth: number;
  /** n: every layer is n × n. */
  width: number;
  steps: number;
  /** Steps of a `--quick` run. */
  quickSteps: number;
  /** Networks of a `--quick` run, where the full batch would take minutes on SwiftShader; default `batch`. */
  quickBatch?: number;
  /** Left out of a full run unless `only` names it: its full form would take an estimated 40 min on SwiftShader (two engine runs of 16.4M network-steps at the quick form's ~12,000/s). */
  namedOnly?: boolean;
  /** record.every: losses and singular values every k steps. */
  every: number;
  /** record.linearized: also train the frozen-NTK linear model (its cost against the same workload without). */
  linearized?: boolean;
}

export const WORKLOADS: Workload[] = [
  { name: 'ensemble', batch: 256, depth: 4, width: 16, steps: 2000, quickSteps: 200, every: 20 },
  { name: 'mid', batch: 32, depth: 4, width: 64, steps: 500, quickSteps: 50, every: 10 },
  { name: 'large', batch: 1, depth: 6, width: 256, steps: 200, quickSteps: 20, every: 10 },
  {
    name: 'huge',
    batch: 16_384,
    depth: 4,
    width: 16,
    steps: 1000,
    quickSteps: 50,
    quickBatch: 1024,
    every: 50,
    namedOnly: true,
  },
  {
    name: 'ensemble-linearized',
    batch: 256,
    depth: 4,
    width: 16,
    steps: 2000,
    quickSteps: 200,
    every: 20,
    linearized: true,
  },
];

/** A seconds-long workload for the browser test: it checks the bench page works, not speed. */
export const SMOKE_WORKLOAD: Workload = {
  name: 'smoke',
  batch: 4,
  depth: 3,
  width: 8,
  steps: 20,
  quickSteps: 20,
  every: 10,
};

/**
 * lr 0.01 is stable for every depth here (the top mode's rate is η·N·3^{2−2/N} < 2) and with
 * gain 0.7 the networks start small, so the ensemble leaves its saddles within its 2000 steps.
 */
export function workloadConfig(
  workload: Workload,
  steps: number,
  spectra: SpectraMode,
  kernel: StepKernel = 'auto',
): Config {
  const { batch, depth, width, every } = workload;
  return {
    name: `bench-${workload.name}`,
    task: { kind: 'factorization', target: { rows: width, cols: width, singularValues: [3, 2, 1], seed: 1 } },
    network: { depth, width },
    init: { kind: 'gaussian', gain: 0.7, seed: 0 },
    train: { lr: 0.01, steps, kernel },
    record: { every, spectra, ...(workload.linearized && { linearized: true }) },
    ...(batch > 1 && { seeds: batch }),
  };
}

/** What the CPU and TF.js baselines start from: the GPU's inputs, rounded to f32 as it sees them. */
export interface WorkloadInputs {
  widths: number[];
  task: TaskData;
  /** layers[b][k] = W_{k+1} of network b, entries rounded to f32. */
  layers: Matrix[][];
  lr: number[];
  weightDecay: number[];
}

export function workloadInputs(config: Config): WorkloadInputs {
  const runs = expandRuns(config);
  const first = runs[0]!.config;
  const exact = buildTask(first);
  const f32 = (m: Matrix): Matrix => ({ ...m, data: m.data.map(Math.fround) });
  return {
    widths: first.widths,
    // Factorization only needs the target; the bench never builds another task.
    task: { ...exact, target: f32(exact.target) },
    layers: runs.map((run) => initialLayers(run.config, exact).map(f32)),
    lr: runs.map((run) => Math.fround(run.config.train.lr)),
    weightDecay: runs.map((run) => Math.fround(run.config.train.weightDecay)),
  };
}
