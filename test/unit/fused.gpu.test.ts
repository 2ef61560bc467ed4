/**
 * The fused step kernel (shaders/fused-step.wgsl) against the layered path and the Float64
 * reference on every task kind, with weight decay and per-network learning rates, over 1000 steps;
 * its reproducibility (a network alone and in a batch of 1000, two runs bit for bit); and the
 * train.kernel choice.
 *
 * Tolerance: after T = 1000 steps the f32 iterate drifts from the f64 one by about T·ε_f32·κ
 * (ε_f32 = 6e-8, κ the conditioning of these small problems, ≲ 10): we allow 1e-3 relative on every
 * end-to-end matrix, recorded loss and singular value, on both paths.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { ConfigError } from '../../src/errors.js';
import { isSoftwareDevice } from '../../src/gpu/device.js';
import { Simulator } from '../../src/engine/simulator.js';
import { endToEnd } from '../../src/reference/loss.js';
import { testGpu } from '../helpers/gpu.js';
import { relative } from '../helpers/f32.js';
import { compareWithReference } from '../helpers/reference-compare.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const TOLERANCE = 1e-3;
const target = (rows: number, cols: number, singularValues: number[]) => ({ rows, cols, singularValues, seed: 7 });
const train = { steps: 1000, weightDecay: 0.01 };
const record = { every: 250, spectra: 'gpu' as const };
const lrs = { 'train.lr': [0.01, 0.03] };

const cases: [string, Config][] = [
  [
    'factorization',
    {
      task: { kind: 'factorization', target: target(6, 5, [3, 2, 1]) },
      network: { depth: 3, width: 7 },
      init: { kind: 'gaussian', std: 0.3, seed: 1 },
      train: { lr: 0.02, ...train },
      record,
      sweep: lrs,
    },
  ],
  [
    'completion',
    {
      task: { kind: 'completion', target: target(6, 5, [2, 1]), observed: 0.7, seed: 3 },
      network: { widths: [5, 8, 6, 6] },
      init: { kind: 'gaussian', std: 0.3, seed: 4 },
      train: { lr: 0.05, ...train },
      record,
      sweep: lrs,
    },
  ],
  [
    'regression',
    {
      task: { kind: 'regression', target: target(4, 6, [2, 1.5, 0.5]), samples: 20, noise: 0.1, seed: 5 },
      network: { depth: 2, width: 5 },
      init: { kind: 'orthogonal', scale: 0.5, seed: 6 },
      train: { lr: 0.05, ...train },
      record,
      sweep: lrs,
    },
  ],
  [
    'sensing',
    {
      task: { kind: 'sensing', target: target(4, 4, [1.5, 1]), measurements: 24, seed: 8 },
      network: { depth: 4, width: 4 },
      init: { kind: 'gaussian', gain: 1, seed: 9 },
      train: { lr: 0.01, ...train },
      record,
      sweep: { 'train.lr': [0.005, 0.01] },
    },
  ],
];

const withKernel = (config: Config, kernel: 'fused' | 'layered'): Config => ({
  ...config,
  train: { ...config.train, kernel },
});

describe.skipIf(!gpu)('fused step kernel vs layered path and Float64 reference, 1000 steps', () => {
  for (const [name, config] of cases) {
    it(`${name}, weight decay, per-network lr`, async () => {
      const fused = await compareWithReference(gpu!, withKernel(config, 'fused'));
      const layered = await compareWithReference(gpu!, withKernel(config, 'layered'));
      expect(fused.kernelPath).toBe('fused');
      expect(layered.kernelPath).toBe('layered');
      for (const run of [fused, layered]) {
        expect(run.result.diverged.every((d) => d === false)).toBe(true);
        expect(run.worstMatrix).toBeLessThan(TOLERANCE);
        expect(run.worstLoss).toBeLessThan(TOLERANCE);
      }
      fused.layers.forEach((layers, b) =>
        expect(relative(endToEnd(layers), endToEnd(layered.layers[b]!))).toBeLessThan(TOLERANCE),
      );
      // Recorded spectra (computed by the same SVD kernel on each path's own E) agree.
      fused.trace.forEach((r, i) => {
        const other = layered.trace[i]!.singularValues!;
        r.singularValues!.forEach((s, j) =>
          expect(Math.abs(s - other[j]!)).toBeLessThan(TOLERANCE * Math.max(1, Math.abs(other[j]!))),
        );
      });
    });
  }
});

describe.skipIf(!gpu)('fused step kernel: reproducibility and choice', () => {
  const base: Config = {
    task: { kind: 'factorization', target: target(4, 4, [2, 1]) },
    network: { depth: 3, width: 4 },
    init: { kind: 'gaussian', std: 0.4, seed: 2 },
    train: { lr: 0.05, steps: 60, kernel: 'fused' },
    record: { every: 20, spectra: 'none' },
  };
  const finalWeights = async (config: Config, network: number) => {
    const sim = await Simulator.create(gpu!, config);
    await sim.run();
    const layers = (await sim.readLayers())[network]!;
    sim.destroy();
    return layers.flatMap((w) => Array.from(w.data));
  };

  it('a network is bit-identical alone, in a batch of 1000, and between two runs', async () => {
    // init.seed 1000 + b gives network b its own seed; network 0 of the batch is the lone run.
    const alone = await finalWeights({ ...base, init: { ...base.init, seed: 1000 } }, 0);
    const again = await finalWeights({ ...base, init: { ...base.init, seed: 1000 } }, 0);
    const batch = await finalWeights(
      { ...base, sweep: { 'init.seed': Array.from({ length: 1000 }, (_, b) => 1000 + b) } },
      0,
    );
    expect(again).toEqual(alone);
    expect(batch).toEqual(alone);
  });

  it('auto picks fused where the shapes fit on a hardware adapter; fused where they do not is a ConfigError naming the limit', async () => {
    const auto = await Simulator.create(gpu!, { ...base, train: { ...base.train, kernel: 'auto' } });
    expect(auto.program.kernelPath).toBe(isSoftwareDevice(gpu!.device) ? 'layered' : 'fused');
    auto.destroy();
    const wide: Config = {
      ...base,
      task: { kind: 'factorization', target: target(64, 64, [2, 1]) },
      network: { depth: 3, width: 64 },
    };
    const error = await Simulator.create(gpu!, wide).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/train\.kernel[\s\S]*maxComputeWorkgroupStorageSize/);
    const fallback = await Simulator.create(gpu!, { ...wide, train: { ...wide.train, kernel: 'auto', steps: 1 } });
    expect(fallback.program.kernelPath).toBe('layered');
    fallback.destroy();
  });

  it('record.linearized keeps the layered step (the linear model trains beside it); fused with it is a ConfigError', async () => {
    const linearized: Config = { ...base, record: { ...base.record, linearized: true } };
    const auto = await Simulator.create(gpu!, { ...linearized, train: { ...linearized.train, kernel: 'auto' } });
    expect(auto.program.kernelPath).toBe('layered');
    auto.destroy();
    const error = await Simulator.create(gpu!, {
      ...linearized,
      train: { ...linearized.train, kernel: 'fused' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/train\.kernel[\s\S]*record\.linearized/);
  });
});
