/**
 * Snapshots and resuming (Simulator.snapshot / create({ resume })): a batch resumed from a
 * snapshot, on a new simulator, takes exactly the steps the original would have taken — the same
 * kernels from the same f32 state, so records and weights agree bit for bit — and keeps the
 * history (trace, divergences, frozen flags) of the steps before it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { Simulator } from '../../src/engine/simulator.js';
import { DlnsimError } from '../../src/errors.js';
import { testGpu } from '../helpers/gpu.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const target = { rows: 5, cols: 4, singularValues: [3, 1.5, 0.5], seed: 3 };

/** Trains `first` steps, snapshots, trains `then` more; a second simulator resumes from the snapshot. */
async function resumeAgainstContinuous(config: Config, first: number, then: number) {
  const original = await Simulator.create(gpu!, config);
  await original.run({ steps: first });
  const snapshot = await original.snapshot();
  await original.run({ steps: then });
  const resumed = await Simulator.create(gpu!, config, { resume: snapshot });
  expect(resumed.step).toBe(first);
  await resumed.run({ steps: then });
  const out = {
    original: { trace: original.trace.records, layers: await original.readLayers(), diverged: original.diverged },
    resumed: { trace: resumed.trace.records, layers: await resumed.readLayers(), diverged: resumed.diverged },
    snapshot,
  };
  original.destroy();
  resumed.destroy();
  return out;
}

const plain = (records: { step: number; losses: Float32Array; singularValues?: Float32Array | Float64Array }[]) =>
  records.map((r) => ({
    step: r.step,
    losses: Array.from(r.losses),
    sv: r.singularValues ? Array.from(r.singularValues) : [],
  }));

describe.skipIf(!gpu)('snapshot and resume', () => {
  it('layers: the resumed batch matches the uninterrupted one bit for bit, divergence included', async () => {
    const config: Config = {
      task: { kind: 'factorization', target },
      network: { widths: [4, 6, 6, 5] },
      init: { kind: 'gaussian', std: 0.5, seed: 4 },
      train: { lr: 0.05, steps: 50, weightDecay: 0.01, divergenceFactor: 3 },
      record: { every: 2, spectra: 'gpu' },
      sweep: { 'train.lr': [0.05, 0.02, 0.5] },
    };
    const { original, resumed, snapshot } = await resumeAgainstContinuous(config, 20, 30);
    // The lr = 0.5 network was frozen before the snapshot with finite weights (its loss passed
    // 3 × the initial one); only the restored frozen flag keeps them from moving on.
    expect(snapshot.diverged[2]).not.toBe(false);
    expect(snapshot.records.every((r) => Number.isFinite(r.losses[2]))).toBe(true);
    expect(resumed.diverged).toEqual(original.diverged);
    expect(plain(resumed.trace)).toEqual(plain(original.trace));
    expect(resumed.trace.map((r) => r.step)).toEqual(Array.from({ length: 26 }, (_, i) => 2 * i));
    resumed.layers.forEach((layers, b) =>
      layers.forEach((w, k) => expect(Array.from(w.data)).toEqual(Array.from(original.layers[b]![k]!.data))),
    );
  });

  it('flow (RK4, depth 3): the stage point restarts equal to W', async () => {
    const config: Config = {
      task: { kind: 'factorization', target },
      network: { depth: 3, width: 5 },
      init: { kind: 'balanced', scale: 0.3, seed: 5 },
      train: { lr: 0.05, steps: 40, method: 'flow', flowDepth: 3, integrator: 'rk4' },
      record: { every: 5, spectra: 'gpu' },
    };
    const { original, resumed } = await resumeAgainstContinuous(config, 15, 25);
    expect(plain(resumed.trace)).toEqual(plain(original.trace));
    expect(Array.from(resumed.layers[0]![0]!.data)).toEqual(Array.from(original.layers[0]![0]!.data));
  });

  it('rejects a snapshot of another batch and snapshots while running, with the fix', async () => {
    const small: Config = {
      task: { kind: 'factorization', target },
      network: { depth: 2, width: 4 },
      init: { kind: 'gaussian', std: 0.5, seed: 6 },
      train: { lr: 0.05, steps: 2000 },
      record: { every: 10, spectra: 'none' },
    };
    const sim = await Simulator.create(gpu!, small, { dispatchesPerSubmit: 16 });
    const running = sim.run();
    await expect(sim.snapshot()).rejects.toThrow(/running; take snapshots between run\(\) calls/);
    await expect(sim.run()).rejects.toThrow(/already running/);
    await running;
    const snapshot = await sim.snapshot();
    sim.destroy();
    const wider: Config = { ...small, network: { depth: 2, width: 6 } };
    const error = await Simulator.create(gpu!, wider, { resume: snapshot }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DlnsimError);
    expect((error as Error).message).toMatch(/resume snapshot does not fit this batch.*same runs/);
  });
});
