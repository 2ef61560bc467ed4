/**
 * The GPU end-to-end flow (train.method "flow", SPEC §6): its multiplier kernel against the Float64
 * closed forms, whole runs against the Float64 ReferenceFlow and against layerwise GPU training,
 * divergence, the log-volume diagnostic and the infinite-depth-completion preset's plumbing.
 *
 * The reference starts from exactly the GPU's W(0) (read back), with the task data, η and λ rounded
 * to f32 and the GPU's singular-value threshold, so the difference is f32 arithmetic (the SVD's
 * ~1e-6·σ₁ per evaluation, rounding of the products) over ≤ 200 steps of a contracting flow.
 * Measured on SwiftShader, worst over all cases: W 7.4e-7 relative (sensing, N = ∞), recorded
 * loss 1.6e-6 (relative, absolute below 1e-2), final σ 4.0e-7·σ₁. Bounds: 1e-5 for all three.
 * Formula errors are 100× larger: leaving out the complement terms of the thin-SVD operator gives
 * 0.25–0.73 on the rectangular cases, dropping the σ threshold 1.5e-3 (N = 3) and 0.11 (N = ∞) on
 * the rank-2 ones. Each case also checks that W moved by > 10% so the comparison has teeth.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config, FlowDepth } from '../../src/config/types.js';
import { DEFAULTS, expandRuns } from '../../src/config/index.js';
import { flowLogVolume } from '../../src/engine/flow-program.js';
import { PROGRAMS } from '../../src/engine/programs.js';
import { Simulator } from '../../src/engine/simulator.js';
import { runExperiment } from '../../src/experiment/index.js';
import { kDepth, kInfinity } from '../../src/flow/multipliers.js';
import { ReferenceFlow } from '../../src/flow/reference.js';
import { logVolumeDensity } from '../../src/flow/volume.js';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { FlowOperatorKernel } from '../../src/kernels/flow.js';
import { singularValues } from '../../src/linalg/decompositions.js';
import { det, infiniteDepthCompletion } from '../../src/presets/infinite-depth-completion.js';
import { rankTwoCompletion } from '../../src/presets/rank-two-completion.js';
import { buildTask } from '../../src/problem/task.js';
import { endToEnd } from '../../src/reference/loss.js';
import { f32Task, relative } from '../helpers/f32.js';
import { testGpu } from '../helpers/gpu.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const target = (rows: number, cols: number, singularValues: number[]) => ({ rows, cols, singularValues, seed: 7 });

/** Trains `config` (method "flow") on the GPU and every network on ReferenceFlow; worst relative errors. */
async function compare(config: Config) {
  const sim = await Simulator.create(gpu!, config);
  const runs = expandRuns(config);
  expect(sim.program.dispatchesPerStep).toBe(PROGRAMS.flow!.dispatchesPerStep(runs[0]!.config));
  const initial = await sim.readLayers();
  const result = await sim.run();
  const final = await sim.readLayers();
  const task = f32Task(buildTask(runs[0]!.config));
  let worstMatrix = 0;
  let worstLoss = 0;
  let worstSigma = 0;
  let leastMotion = Infinity;
  const last = sim.trace.last()!;
  runs.forEach((run, b) => {
    const { lr, weightDecay, flowDepth, integrator, steps } = run.config.train;
    const reference = new ReferenceFlow(task, initial[b]![0]!, {
      depth: flowDepth,
      lr: Math.fround(lr),
      weightDecay: Math.fround(weightDecay),
      integrator,
      tolerance: run.config.train.flowThreshold,
    });
    const losses = new Map<number, number>();
    for (let t = 0; t <= steps; t++) {
      if (t % run.config.record.every === 0 || t === steps) losses.set(t, reference.loss());
      if (t < steps) reference.step();
    }
    worstMatrix = Math.max(worstMatrix, relative(final[b]![0]!, reference.w));
    leastMotion = Math.min(leastMotion, relative(initial[b]![0]!, reference.w));
    for (const record of sim.trace.records) {
      const expected = losses.get(record.step)!;
      worstLoss = Math.max(worstLoss, Math.abs(record.losses[b]! - expected) / Math.max(Math.abs(expected), 1e-2));
    }
    if (last.singularValues) {
      const expected = singularValues(reference.w);
      expected.forEach(
        (s, i) =>
          (worstSigma = Math.max(worstSigma, Math.abs(last.singularValues![b * last.rank + i]! - s) / expected[0]!)),
      );
    }
  });
  sim.destroy();
  return { result, worstMatrix, worstLoss, worstSigma, leastMotion, records: sim.trace.records.length };
}

describe.skipIf(!gpu)('flow.wgsl multipliers', () => {
  // 2×2 networks with U = V = I, X = all ones and M = all ones, so the kernel's outputs are the
  // multipliers themselves: Lt[r + i][i] = d_i, H_01 = κ(σ₀, σ₁) − d₀ − d₁.
  const pairs: [number, number][] = [
    [1, 1],
    [1, 1 - 2 ** -23],
    [1, 1 - 2 ** -20],
    [1, 1 - 1e-4],
    [3, 2.9999],
    [1e-3, 1e-3 * (1 - 2 ** -21)],
    [1, 0.5],
    [1, 1e-3],
    [1, 2e-4],
    [1, 5e-5], // below the threshold: σ₁ counts as 0
    [2, 0],
  ].map(([a, b]) => [Math.fround(a!), Math.fround(b!)]);
  it.each([2, 3, 7, 64, 'infinity'] as const)(
    'match kDepth/N and kInfinity at N = %s, from σ_i = σ_j to the threshold',
    async (depth) => {
      const device = gpu!.device;
      const batch = pairs.length;
      const repeat = (values: number[]) => pairs.flatMap(() => values);
      const buffers = {
        sigma: storageBuffer(device, 'σ', 2 * batch, pairs.flat()),
        u: storageBuffer(device, 'U', 4 * batch, repeat([1, 0, 0, 1])),
        v: storageBuffer(device, 'V', 4 * batch, repeat([1, 0, 0, 1])),
        x: storageBuffer(device, 'X', 4 * batch, repeat([1, 1, 1, 1])),
        inner: storageBuffer(device, 'M', 4 * batch, repeat([1, 1, 1, 1])),
        minusXdT: storageBuffer(device, '−(XD)ᵀ', 4 * batch),
        lt: storageBuffer(device, 'Lt', 8 * batch),
        rt: storageBuffer(device, 'Rt', 8 * batch),
      };
      const threshold = DEFAULTS.train.flowThreshold;
      const kernel = new FlowOperatorKernel(device, {
        batch,
        rows: 2,
        cols: 2,
        depth,
        tolerance: threshold,
        ...buffers,
      });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      kernel.encode(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
      const h = await readFloats(device, buffers.inner, 4 * batch);
      const lt = await readFloats(device, buffers.lt, 8 * batch);
      Object.values(buffers).forEach((b) => b.destroy());
      const kappa = (a: number, b: number) => (depth === 'infinity' ? kInfinity(a, b) : kDepth(a, b, depth) / depth);
      pairs.forEach(([s0, s1], b) => {
        const kept1 = s1 >= threshold * s0 ? s1 : 0;
        const d0 = lt[8 * b + 4]!;
        const d1 = lt[8 * b + 7]!;
        // pow(σ, 2 − 2/N) carries the f32 log2/exp2 error, a few ulp times |log₂ σ|: measured ≤ 9e-7.
        expect(Math.abs(d0 - kappa(s0, 0))).toBeLessThanOrEqual(4e-6 * kappa(s0, 0));
        expect(Math.abs(d1 - kappa(kept1, 0))).toBeLessThanOrEqual(4e-6 * kappa(kept1, 0));

        // κ from the f32 outputs, up to ~ε·max(κ, d₀ + d₁) of rounding: measured ≤ 7e-7. A near-equal
        // pair through the textbook quotient (or exp − 1, log(1 + x)) is off by ~ε/(relative gap).
        const measured = h[4 * b + 1]! + d0 + d1;
        const expected = kappa(s0, kept1);
        expect(Math.abs(measured - expected)).toBeLessThanOrEqual(4e-6 * Math.max(expected, d0 + d1));
      });
    },
  );
});

describe.skipIf(!gpu)('GPU flow vs Float64 ReferenceFlow', () => {
  const flow = (depth: FlowDepth, integrator: 'euler' | 'rk4', lr: number, steps: number, weightDecay = 0) => ({
    method: 'flow' as const,
    flowDepth: depth,
    integrator,
    lr,
    steps,
    weightDecay,
  });
  const cases: [string, Config][] = [
    [
      'factorization 4×4, N = 3, Euler, B = 4 with heterogeneous lr and weight decay',
      {
        task: { kind: 'factorization', target: target(4, 4, [3, 2, 1]) },
        network: { depth: 3, width: 4 },
        init: { kind: 'balanced', scale: 0.5, seed: 1 },
        train: flow(3, 'euler', 0.02, 200),
        record: { every: 50, spectra: 'gpu' },
        sweep: { 'train.lr': [0.02, 0.05], 'train.weightDecay': [0, 0.05] },
      },
    ],
    [
      'completion 5×3 (tall), N = 4, RK4, weight decay, two seeds',
      {
        task: { kind: 'completion', target: target(5, 3, [2, 1]), observed: 0.7, seed: 2 },
        network: { depth: 4, width: 5 },
        init: { kind: 'balanced', scale: 0.5, seed: 3 },
        train: flow(4, 'rk4', 0.1, 100, 0.01),
        record: { every: 25, spectra: 'gpu' },
        seeds: 2,
      },
    ],
    [
      'factorization 3×5 (wide), N = 2, RK4, weight decay sweep',
      {
        task: { kind: 'factorization', target: target(3, 5, [2, 1, 0.5]) },
        network: { depth: 2, width: 5 },
        init: { kind: 'balanced', scale: 0.3, seed: 4 },
        train: flow(2, 'rk4', 0.05, 100),
        record: { every: 50, spectra: 'gpu' },
        sweep: { 'train.weightDecay': [0, 0.1] },
      },
    ],
    [
      'completion 4×4, N = 5, Euler, two seeds',
      {
        task: { kind: 'completion', target: target(4, 4, [2, 1]), observed: 0.6, seed: 5 },
        network: { depth: 5, width: 4 },
        init: { kind: 'balanced', scale: 0.5, seed: 6 },
        train: flow(5, 'euler', 0.1, 200),
        record: { every: 50, spectra: 'gpu' },
        seeds: 2,
      },
    ],
    ...([3, 'infinity'] as const).map((depth): [string, Config] => [
      `factorization 4×4 from a rank-2 W(0) (width-2 bottleneck), N = ${depth}, Euler: σ below the threshold`,
      {
        task: { kind: 'factorization', target: target(4, 4, [2, 1.5, 1]) },
        network: { widths: [4, 2, 4] },
        init: { kind: 'gaussian', std: 0.5, seed: 7 },
        train: flow(depth, 'euler', 0.05, 100),
        record: { every: 25, spectra: 'gpu' },
      },
    ]),
    [
      // σ(0)/σ_max = 1, 0.66, 0.32, 0.062: the smallest stays ≤ 0.07·σ_max (frozen), the others ≥ 0.13·σ_max
      // (Float64, every step). Under the default threshold the same run ends 0.27 away (relative).
      'factorization 4×4, N = ∞, Euler, train.flowThreshold 0.09: the smallest σ counts as 0',
      {
        task: { kind: 'factorization', target: target(4, 4, [2, 1.5, 1]) },
        network: { depth: 3, width: 4 },
        init: { kind: 'balanced', scale: 0.5, seed: 16 },
        train: { ...flow('infinity', 'euler', 0.05, 100), flowThreshold: 0.09 },
        record: { every: 25, spectra: 'gpu' },
      },
    ],
    [
      'completion 4×3 (tall), N = ∞, RK4, B = 2 with heterogeneous lr',
      {
        task: { kind: 'completion', target: target(4, 3, [2, 1]), observed: 0.75, seed: 13 },
        network: { depth: 3, width: 4 },
        init: { kind: 'balanced', scale: 0.5, seed: 14 },
        train: flow('infinity', 'rk4', 0.1, 100),
        record: { every: 50, spectra: 'gpu' },
        sweep: { 'train.lr': [0.1, 0.2] },
      },
    ],
    [
      'factorization 4×4 from W(0) = ½ U_Y V_Yᵀ (all σ(0) equal), N = 4, Euler: a degenerate SVD frame',
      {
        task: { kind: 'factorization', target: target(4, 4, [2, 1.5, 1, 0.5]) },
        network: { depth: 4, width: 4 },
        init: { kind: 'balanced', scale: 0.5, aligned: true, seed: 15 },
        train: flow(4, 'euler', 0.05, 100),
        record: { every: 50, spectra: 'gpu' },
      },
    ],
    [
      'regression 3×4, N = 3, RK4',
      {
        task: { kind: 'regression', target: target(3, 4, [2, 1]), samples: 12, noise: 0.1, seed: 8 },
        network: { depth: 3, width: 4 },
        init: { kind: 'balanced', scale: 0.5, seed: 9 },
        train: flow(3, 'rk4', 0.05, 100),
        record: { every: 50, spectra: 'none' },
      },
    ],
    [
      'sensing 3×3, N = ∞, Euler',
      {
        task: { kind: 'sensing', target: target(3, 3, [1.5, 1]), measurements: 12, seed: 10 },
        network: { depth: 2, width: 3 },
        init: { kind: 'balanced', scale: 0.5, seed: 11 },
        train: flow('infinity', 'euler', 0.05, 150),
        record: { every: 50, spectra: 'none' },
      },
    ],
    ...(['euler', 'rk4'] as const).map((integrator): [string, Config] => [
      `depth 1 (plain gradient descent on W), ${integrator}`,
      {
        task: { kind: 'factorization', target: target(3, 4, [2, 1]) },
        network: { depth: 1, width: 3 },
        init: { kind: 'gaussian', std: 0.3, seed: 12 },
        train: flow(1, integrator, 0.1, 100, 0.05),
        record: { every: 50, spectra: 'gpu' },
      },
    ]),
  ];
  for (const [name, config] of cases) {
    it(name, async () => {
      const { worstMatrix, worstLoss, worstSigma, leastMotion, result, records } = await compare(config);
      expect(leastMotion).toBeGreaterThan(0.1);
      expect(result.diverged.every((d) => d === false)).toBe(true);
      expect(records).toBe(config.train.steps / config.record.every + 1);
      expect(worstMatrix).toBeLessThan(1e-5);
      expect(worstLoss).toBeLessThan(1e-5);
      expect(worstSigma).toBeLessThan(1e-5);
    });
  }
});

describe.skipIf(!gpu)('GPU flow: layer training, divergence, diagnostics', () => {
  it('matches layerwise GPU training at depth N with layer step η/N from a balanced start to O(η)', async () => {
    // Two first-order discretisations of one ODE (docs/flow.md): at t = 1 the gap is O(η).
    // Measured: 2.87e-3 at η = 0.02, 1.44e-3 at η = 0.01 (ratio 1.99).
    const gap = async (eta: number) => {
      const steps = Math.round(1 / eta);
      const base: Config = {
        task: { kind: 'factorization', target: target(4, 4, [3, 2, 1]) },
        network: { depth: 3, width: 5 },
        init: { kind: 'balanced', scale: 0.3, seed: 21 },
        train: { lr: eta / 3, steps },
        record: { every: steps, spectra: 'none' },
      };
      const layerSim = await Simulator.create(gpu!, base);
      await layerSim.run();
      const layers = endToEnd((await layerSim.readLayers())[0]!);
      layerSim.destroy();
      const flowSim = await Simulator.create(gpu!, { ...base, train: { lr: eta, steps, method: 'flow' } });
      await flowSim.run();
      const flowW = (await flowSim.readLayers())[0]![0]!;
      flowSim.destroy();
      return relative(layers, flowW);
    };
    const coarse = await gap(0.02);
    const fine = await gap(0.01);
    expect(coarse).toBeLessThan(1e-2);
    // f32 noise (~1e-6) is far below these gaps, so the ratio is the discretisation's: 2 for O(η).
    expect(coarse / fine).toBeGreaterThan(1.7);
    expect(coarse / fine).toBeLessThan(2.3);
  });

  it('freezes a diverging network (RK4) and keeps integrating the others', async () => {
    const config: Config = {
      task: { kind: 'factorization', target: target(4, 4, [2, 1]) },
      network: { depth: 3, width: 4 },
      init: { kind: 'balanced', scale: 0.5, seed: 22 },
      train: { lr: 0.05, steps: 60, method: 'flow', integrator: 'rk4' },
      record: { every: 10, spectra: 'gpu' },
      sweep: { 'train.lr': [0.05, 40] },
    };
    const sim = await Simulator.create(gpu!, config);
    const initial = await sim.readLayers();
    const result = await sim.run();
    const reached = await sim.readLayers();
    expect(result.diverged[0]).toBe(false);
    expect(result.diverged[1]).not.toBe(false);
    expect((result.diverged[1] as { step: number }).step % 10).toBe(0);
    await sim.run({ steps: 10 });
    const later = await sim.readLayers();
    sim.destroy();
    // The frozen network keeps its last iterate bit for bit; the other one matches the reference.
    expect(Array.from(later[1]![0]!.data)).toEqual(Array.from(reached[1]![0]!.data));
    const run = expandRuns(config)[0]!;
    const reference = new ReferenceFlow(f32Task(buildTask(run.config)), initial[0]![0]!, {
      depth: 3,
      lr: Math.fround(0.05),
      integrator: 'rk4',
      tolerance: run.config.train.flowThreshold,
    });
    reference.steps(60);
    expect(relative(reached[0]![0]!, reference.w)).toBeLessThan(1e-5);
  });

  it('records spectra whose log-volume (SPEC §8) matches the Float64 one, at N = 5 and ∞', async () => {
    for (const depth of [5, 'infinity'] as const) {
      const sim = await Simulator.create(gpu!, {
        task: { kind: 'factorization', target: target(3, 3, [3, 1.5, 0.5]) },
        network: { depth: 2, width: 3 },
        init: { kind: 'balanced', scale: 0.5, seed: 23 },
        train: { lr: 0.05, steps: 40, method: 'flow', flowDepth: depth },
        record: { every: 20, spectra: 'gpu' },
        seeds: 2,
      });
      await sim.run();
      const final = await sim.readLayers();
      const volumes = flowLogVolume(sim.trace.last()!, depth);
      sim.destroy();
      final.forEach(([w], b) => {
        const expected = logVolumeDensity(singularValues(w!), depth);
        expect(Number.isFinite(expected)).toBe(true);
        // σ to ~1e-6·σ₁ from the f32 SVD, amplified by ~1/σ_min and 1/(σ gaps), all O(1) here: measured ≤ 7e-7.
        expect(Math.abs(volumes[b]! - expected)).toBeLessThan(1e-5);
      });
    }
  });
});

describe.skipIf(!gpu)('infinite-depth-completion preset', () => {
  it('measures every run from its final W and W(0) and tabulates each depth and sign of det W(0) (reduced: 2 depths × 8 seeds, t = 300)', async () => {
    const preset = infiniteDepthCompletion;
    const config: Config = {
      ...preset.config,
      seeds: 8,
      train: { ...preset.config.train, steps: 150 },
      sweep: { 'train.flowDepth': [2, 'infinity'] },
    };
    const result = await runExperiment(gpu!, config, { measure: preset.measure });
    expect(result.runs).toHaveLength(16);
    for (const run of result.runs) {
      const { w12, w21, det: final, effectiveRank } = run.metrics;
      expect(Number.isFinite(w12! + w21! + final!)).toBe(true);
      expect(effectiveRank).toBeGreaterThanOrEqual(1);
      expect(effectiveRank).toBeLessThanOrEqual(2);
    }
    // det0, recomputed on the host from the run's config, is det of the W(0) the GPU started from (f32: ~1e-11 here).
    const { sweep: _, ...depth2 } = config;
    const start = await Simulator.create(gpu!, { ...depth2, train: { ...config.train, flowDepth: 2 } });
    const initial = await start.readLayers();
    start.destroy();
    const depth2Runs = result.runs.filter((run) => run.config.train.flowDepth === 2);
    initial.forEach(([w], b) => expect(det(w!)).toBeCloseTo(depth2Runs[b]!.metrics.det0!, 9));
    expect(new Set(depth2Runs.map((run) => Math.sign(run.metrics.det0!)))).toEqual(new Set([-1, 1]));
    const verdict = preset.verdict(result);
    expect(verdict.measured.filter((line) => /^(2|∞) +[<>] 0 /.test(line))).toHaveLength(4);
    expect(verdict.summary).toMatch(/^(PASS|FAIL): /);
  });
});

describe.skipIf(!gpu)('rank-two-completion preset', () => {
  it('measures every 3×3 run from its final W and tabulates each depth and sign (reduced: 2 depths × 6 seeds, t = 200)', async () => {
    const preset = rankTwoCompletion;
    const config: Config = {
      ...preset.config,
      seeds: 6,
      train: { ...preset.config.train, steps: 100 },
      record: { every: 50 },
      sweep: { 'train.flowDepth': [2, 'infinity'] },
    };
    const result = await runExperiment(gpu!, config, { measure: preset.measure });
    expect(result.runs).toHaveLength(12);
    for (const run of result.runs) {
      const { det: final, sigmaMin, effectiveRank, det0 } = run.metrics;
      // |det W| = σ₁σ₂σ₃ ≥ σ₃³ and ≤ σ₁²σ₃: σ₃ is the smallest singular value of the measured W.
      expect(Math.abs(final!)).toBeGreaterThanOrEqual(sigmaMin! ** 3 * (1 - 1e-9));
      expect(effectiveRank).toBeGreaterThanOrEqual(1);
      expect(effectiveRank).toBeLessThanOrEqual(3);
      expect(Number.isFinite(det0!)).toBe(true);
    }
    const verdict = preset.verdict(result);
    expect(verdict.measured.filter((line) => /^(2|∞) +[<>] 0 /.test(line))).toHaveLength(4);
    expect(verdict.summary).toMatch(/^(PASS|FAIL): .*rank 2 fraction by depth 2, ∞/);
  });
});
