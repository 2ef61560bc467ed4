/**
 * Batches over task seeds (src/problem/batch-tasks.ts): completion and factorization networks with
 * their own target and mask train in one batch, and each network's losses, held-out errors and
 * final matrices are bit-identical to the same run trained in a batch of its own task seed alone,
 * on the layered, fused and flow paths; and against the Float64 reference (tolerance as
 * fused.gpu.test.ts: 1e-3 relative after a few hundred f32 steps of these small problems).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { expandRuns, groupBatches } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { Simulator } from '../../src/engine/simulator.js';
import { completionTestError } from '../../src/analysis/heldout.js';
import { buildTask } from '../../src/problem/task.js';
import { endToEnd } from '../../src/reference/loss.js';
import { testGpu } from '../helpers/gpu.js';
import { compareWithReference } from '../helpers/reference-compare.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const TASK_SEEDS = [1, 2, 3];

// No target.seed: task.seed draws the target's frames and the mask, so every network has its own of both.
const completion: Config = {
  task: { kind: 'completion', target: { rows: 6, cols: 5, singularValues: [2, 1] }, observed: 0.6, seed: 1 },
  network: { depth: 3, width: 6 },
  init: { kind: 'balanced', scale: 0.3, seed: 2 },
  train: { lr: 0.05, steps: 300, weightDecay: 0.001 },
  record: { every: 100, spectra: 'gpu' },
  seeds: 2,
};
const noisyFactorization: Config = {
  task: { kind: 'factorization', target: { rows: 5, cols: 5, singularValues: [2, 1], seed: 4 }, noise: 0.1, seed: 1 },
  network: { depth: 2, width: 5 },
  init: { kind: 'gaussian', std: 0.3, seed: 3 },
  train: { lr: 0.05, steps: 300 },
  record: { every: 100, spectra: 'gpu' },
  seeds: 2,
};

interface Trained {
  losses: number[][];
  testErrors: number[][];
  matrices: number[][];
  kernelPath: string;
}

/** Trains one batch; per network its recorded losses and held-out errors and its final end-to-end matrix. */
async function train(config: Config): Promise<Trained> {
  const sim = await Simulator.create(gpu!, config);
  await sim.run();
  const layers = await sim.readLayers();
  const records = sim.trace.records;
  const perNetwork = (pick: (b: number) => number[]) => sim.runs.map((_, b) => pick(b));
  const trained = {
    losses: perNetwork((b) => records.map((r) => r.losses[b]!)),
    testErrors: perNetwork((b) => records.map((r) => r.testErrors![b]!)),
    matrices: perNetwork((b) => Array.from(endToEnd(layers[b]!).data)),
    kernelPath: sim.program.kernelPath,
  };
  sim.destroy();
  return trained;
}

/** The batch over every task seed (and `fractions`), against each one's batch alone (networks in the same order). */
async function expectBatchEqualsAlone(config: Config, fractions?: number[]) {
  const mixed: Config = {
    ...config,
    sweep: { ...(fractions && { 'task.observed': fractions }), 'task.seed': TASK_SEEDS },
  };
  expect(groupBatches(expandRuns(mixed))).toHaveLength(1);
  const together = await train(mixed);
  const alone: Trained[] = [];
  for (const observed of fractions ?? [config.task.observed])
    for (const seed of TASK_SEEDS) alone.push(await train({ ...config, task: { ...config.task, seed, observed } }));
  const seeds = config.seeds ?? 1;
  for (const key of ['losses', 'testErrors', 'matrices'] as const)
    expect(together[key]).toEqual(alone.flatMap((a) => a[key].slice(0, seeds)));
  // The networks really are trained on different data.
  expect(together.testErrors[0]!.at(-1)).not.toEqual(together.testErrors[seeds]!.at(-1));
  return together;
}

describe('a batch over task seeds', () => {
  it('completion on the layered path: each network as in its own batch, bit for bit; held-out error of its own mask', async () => {
    const together = await expectBatchEqualsAlone(completion);
    expect(together.kernelPath).toBe('layered');
    // The GPU's held-out error is each network's own: ‖(1−M)∘(E − Y)‖/‖(1−M)∘Y‖ with its mask and target.
    expandRuns({ ...completion, sweep: { 'task.seed': TASK_SEEDS } }).forEach((run, b) => {
      const { target, mask } = buildTask(run.config);
      const e = { rows: 6, cols: 5, data: Float64Array.from(together.matrices[b]!) };
      expect(together.testErrors[b]!.at(-1)).toBeCloseTo(completionTestError(e, target, mask!), 5);
    });
  });

  it('completion over observed fractions too (each network its own |Ω|), layered and fused, bit for bit', async () => {
    await expectBatchEqualsAlone(completion, [0.4, 0.8]);
    const fused = await expectBatchEqualsAlone(
      { ...completion, train: { ...completion.train, kernel: 'fused' } },
      [0.4, 0.8],
    );
    expect(fused.kernelPath).toBe('fused');
  });

  it('completion on the end-to-end flow, bit for bit', async () => {
    await expectBatchEqualsAlone({ ...completion, train: { ...completion.train, method: 'flow', flowDepth: 3 } });
  });

  it('noisy factorization (each task seed its own noise; held-out error against the clean target), bit for bit', async () => {
    await expectBatchEqualsAlone(noisyFactorization);
  });

  it('matches the Float64 reference network by network', async () => {
    const { worstMatrix, worstLoss } = await compareWithReference(gpu!, {
      ...completion,
      sweep: { 'task.seed': TASK_SEEDS },
    });
    expect(worstMatrix).toBeLessThan(1e-3);
    expect(worstLoss).toBeLessThan(1e-3);
  });
});
