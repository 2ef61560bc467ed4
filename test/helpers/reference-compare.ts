/**
 * Trains a config on the GPU and, from the GPU's own initial weights and f32-rounded task data,
 * on the Float64 reference (same algorithm); returns the worst relative errors of the end-to-end
 * matrices and of the recorded losses (relative, or absolute below loss 1e-2).
 */
import type { Config } from '../../src/config/types.js';
import { expandRuns } from '../../src/config/index.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { Simulator } from '../../src/engine/simulator.js';
import { buildTask } from '../../src/problem/task.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { endToEnd } from '../../src/reference/loss.js';
import { f32Task, relative } from './f32.js';

export async function compareWithReference(gpu: GpuContext, config: Config) {
  const sim = await Simulator.create(gpu, config);
  const initial = await sim.readLayers();
  const result = await sim.run();
  const gpuLayers = await sim.readLayers();
  const runs = expandRuns(config);
  let worstMatrix = 0;
  let worstLoss = 0;
  runs.forEach((run, b) => {
    const hyper = { lr: Math.fround(run.config.train.lr), weightDecay: Math.fround(run.config.train.weightDecay) };
    // Each run's own task: a batch over task seeds holds one per network (src/problem/batch-tasks.ts).
    const reference = new ReferenceTrainer(f32Task(buildTask(run.config)), initial[b]!, hyper);
    const losses = new Map<number, number>();
    for (let t = 0; t <= run.config.train.steps; t++) {
      if (t % run.config.record.every === 0 || t === run.config.train.steps) losses.set(t, reference.loss());
      if (t < run.config.train.steps) reference.step();
    }
    worstMatrix = Math.max(worstMatrix, relative(endToEnd(gpuLayers[b]!), reference.endToEnd()));
    for (const record of sim.trace.records) {
      const expected = losses.get(record.step)!;
      worstLoss = Math.max(worstLoss, Math.abs(record.losses[b]! - expected) / Math.max(Math.abs(expected), 1e-2));
    }
  });
  const kernelPath = sim.program.kernelPath;
  sim.destroy();
  return {
    result,
    worstMatrix,
    worstLoss,
    records: sim.trace.records.length,
    kernelPath,
    layers: gpuLayers,
    trace: sim.trace.records,
  };
}
