/**
 * record.linearized: the GPU's frozen-NTK linear model against the Float64 reference of the same
 * model (reference/linearized.ts), run alongside the Float64 network (ReferenceTrainer), both from
 * the GPU's own initial layers; and the closed form of Θ₀ at an orthogonal start.
 *
 * Tolerance: lazyDeviation is ‖A − A_lin‖/‖A(0) − Y‖ with both A and A_lin f32 iterates, so its
 * error is the two iterates' drift (≤ 1e-4 relative after ≤ 300 steps, engine.gpu.test.ts) over
 * ‖A(0) − Y‖: we allow 2e-4 absolute on it. Its early values are tiny (A ≈ A_lin), so this still
 * fails if the linear model took a wrong step: a missing or doubled Θ₀ term changes the
 * deviation by O(1) within the first records.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { expandRuns } from '../../src/config/index.js';
import { Simulator } from '../../src/engine/simulator.js';
import { buildTask } from '../../src/problem/task.js';
import { initialLayers } from '../../src/problem/init.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { LinearizedReference } from '../../src/reference/linearized.js';
import { endToEnd } from '../../src/reference/loss.js';
import { combine, frobenius, fromArray, identity, maxAbsDiff, type Matrix } from '../../src/linalg/matrix.js';
import { testGpu } from '../helpers/gpu.js';
import { f32Task } from '../helpers/f32.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

/** Per network and record: the reference lazyDeviation and unobservedChange. */
function referenceTrace(config: Config, initial: Matrix[][], steps: number[]) {
  const runs = expandRuns(config);
  const task = f32Task(buildTask(runs[0]!.config));
  return runs.map((run, b) => {
    const lr = Math.fround(run.config.train.lr);
    const network = new ReferenceTrainer(task, initial[b]!, { lr, weightDecay: 0 });
    const linear = new LinearizedReference(task, initial[b]!, lr);
    const a0 = endToEnd(initial[b]!);
    const start = frobenius(combine(1, a0, -1, task.target));
    const complement = task.mask
      ? fromArray(
          task.mask.rows,
          task.mask.cols,
          task.mask.data.map((m) => 1 - m),
        )
      : undefined;
    const masked = (m: Matrix) =>
      complement
        ? frobenius(
            fromArray(
              m.rows,
              m.cols,
              m.data.map((v, i) => v * complement.data[i]!),
            ),
          )
        : NaN;
    const out: { lazy: number; unobserved: number }[] = [];
    for (let t = 0; t <= steps[steps.length - 1]!; t++) {
      if (steps.includes(t)) {
        const a = network.endToEnd();
        out.push({
          lazy: frobenius(combine(1, a, -1, linear.a)) / start,
          unobserved: masked(combine(1, a, -1, a0)) / masked(combine(1, task.target, -1, a0)),
        });
      }
      network.step();
      linear.step();
    }
    return out;
  });
}

async function compare(config: Config) {
  const sim = await Simulator.create(gpu!, config);
  const initial = await sim.readLayers();
  await sim.run();
  const steps = sim.trace.steps;
  const expected = referenceTrace(config, initial, steps);
  let worstLazy = 0;
  let worstUnobserved = 0;
  let largest = 0;
  sim.trace.records.forEach((record, r) => {
    expected.forEach((byRecord, b) => {
      worstLazy = Math.max(worstLazy, Math.abs(record.lazyDeviation![b]! - byRecord[r]!.lazy));
      largest = Math.max(largest, byRecord[r]!.lazy);
      if (record.unobservedChange)
        worstUnobserved = Math.max(worstUnobserved, Math.abs(record.unobservedChange[b]! - byRecord[r]!.unobserved));
    });
  });
  sim.destroy();
  return { worstLazy, worstUnobserved, largest, records: sim.trace.records };
}

const target = { rows: 6, cols: 6, singularValues: [3, 2, 1], seed: 7 };

describe.skipIf(!gpu)('record.linearized on the GPU vs the Float64 linear model', () => {
  it('factorization, depth 3, gaussian init.gamma, two learning rates: lazyDeviation per record', async () => {
    const { worstLazy, largest, records } = await compare({
      task: { kind: 'factorization', target },
      network: { depth: 3, width: 8 },
      init: { kind: 'gaussian', gamma: 1, seed: 3 },
      train: { lr: 0.05, steps: 200 },
      record: { every: 20, spectra: 'none', linearized: true },
      sweep: { 'train.lr': [0.05, 0.1] },
    });
    expect(records[0]!.lazyDeviation![0]).toBeLessThan(1e-6); // A_lin(0) = A(0)
    expect(largest).toBeGreaterThan(0.05); // the comparison is not between two near-zero numbers
    expect(worstLazy).toBeLessThan(2e-4);
  });

  it('completion, depth 2, rectangular: lazyDeviation and unobservedChange', async () => {
    const { worstLazy, worstUnobserved, records } = await compare({
      task: { kind: 'completion', target: { rows: 5, cols: 7, singularValues: [2, 1], seed: 4 }, observed: 0.6 },
      network: { depth: 2, width: 6 },
      init: { kind: 'gaussian', std: 0.4, seed: 5 },
      train: { lr: 0.2, steps: 150 },
      record: { every: 30, spectra: 'none', linearized: true },
    });
    expect(records.at(-1)!.unobservedChange![0]).toBeGreaterThan(0.01);
    expect(worstLazy).toBeLessThan(2e-4);
    expect(worstUnobserved).toBeLessThan(2e-4);
  });

  it('depth 1: the network is its own linearisation (lazyDeviation stays at f32 round-off)', async () => {
    const { records } = await compare({
      task: { kind: 'factorization', target },
      network: { depth: 1, width: 6 },
      init: { kind: 'gaussian', std: 0.3, seed: 1 },
      train: { lr: 0.1, steps: 100 },
      record: { every: 25, spectra: 'none', linearized: true },
    });
    for (const record of records) expect(record.lazyDeviation![0]).toBeLessThan(1e-5);
  });
});

describe('Θ₀ closed form', () => {
  it('orthogonal layers of scale s (c = s^N end to end): Θ₀ = N c^{2−2/N}·Id', () => {
    for (const depth of [2, 3, 4]) {
      const s = 0.7;
      const config = expandRuns({
        task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [1], seed: 1 } },
        network: { depth, width: 4 },
        init: { kind: 'orthogonal', scale: s, seed: 2 },
        train: { lr: 0.1, steps: 1 },
        record: { every: 1 },
      })[0]!.config;
      const task = buildTask(config);
      const linear = new LinearizedReference(task, initialLayers(config, task), 0.1);
      const c = s ** depth;
      const z = fromArray(
        4,
        4,
        Array.from({ length: 16 }, (_, i) => Math.sin(i + 1)),
      );
      const expected = combine(depth * c ** (2 - 2 / depth), z, 0, identity(4));
      expect(maxAbsDiff(linear.tangent(z), expected)).toBeLessThan(1e-12);
    }
  });
});
