/**
 * Sizes checked before anything is allocated (src/engine/footprint.ts, planBatches): a run too
 * large for the device's buffers or the host's memory is a ConfigError naming the field, the bytes
 * and the limit; one that only needs a smaller batch is split. No GPU: the limits are given.
 */
import { describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import {
  checkNetworkFits,
  experimentRecordBytes,
  networkFootprint,
  networksThatFit,
  planBatches,
} from '../../src/experiment/index.js';
import { ConfigError } from '../../src/errors.js';
import type { MemoryLimits } from '../../src/gpu/host-memory.js';

const GiB = 2 ** 30;
/** SwiftShader's binding limit and 8 GiB of host memory to plan with. */
const limits: MemoryLimits = { bindingBytes: GiB, hostBytes: 8 * GiB, hostSource: 'given by the test' };

const base: Config = {
  task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [3, 2, 1] } },
  network: { widths: [4, 16, 4] },
  init: { kind: 'gaussian', std: 0.01 },
  train: { lr: 0.05, steps: 100 },
  record: { every: 10 },
};

function refusal(config: Config, given = limits): ConfigError {
  try {
    planBatches(expandRuns(config), given);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('sizes against the device and host memory', () => {
  it('refuses network.widths [4, 100000, 100000, 4] naming the field, the bytes and the limit', () => {
    const error = refusal({ ...base, network: { widths: [4, 100000, 100000, 4] } });
    expect(error.field).toBe('network.widths');
    // 2 × 100000² floats of 4 bytes.
    expect(error.message).toContain('74.51 GiB');
    expect(error.message).toContain('binds at most 1.00 GiB');
    expect(error.message).toContain('use smaller widths');
  });

  it('names network.width when the config gives depth and width, also from a sweep', () => {
    expect(refusal({ ...base, network: { depth: 3, width: 30000 } }).field).toBe('network.widths');
    const swept = refusal({ ...base, network: { depth: 3, width: 8 }, sweep: { 'network.width': [8, 30000] } });
    expect(swept.field).toBe('network.width');
    expect(swept.value).toBe(30000);
  });

  it("names the task's size when its data cannot fit", () => {
    const sensing: Config = {
      ...base,
      task: { kind: 'sensing', measurements: 2e7, target: { rows: 4, cols: 4, singularValues: [1] } },
    };
    expect(refusal(sensing).field).toBe('task.measurements');
  });

  it('names record.every when the records outgrow host memory, and sweeps too when they add up', () => {
    const long: Config = { ...base, train: { lr: 0.05, steps: 1e9 }, record: { every: 1 } };
    const error = refusal(long);
    expect(error.field).toBe('record.every');
    expect(error.message).toMatch(
      /of host memory but dlnsim uses at most 8\.00 GiB of host memory \(given by the test\); record less often/,
    );
    // Each run alone fits 8 GiB; 1000 of them do not, and the message says to run fewer.
    const one: Config = { ...base, train: { lr: 0.05, steps: 2e6 }, record: { every: 1 } };
    expect(() => planBatches(expandRuns(one), limits)).not.toThrow();
    const many = refusal({ ...one, seeds: 1000 });
    expect(many.field).toBe('record.every');
    expect(many.message).toContain('run fewer runs');
  });

  it('splits a batch that fits only in parts, by the binding limit or by host memory', () => {
    const runs = expandRuns({ ...base, network: { widths: [4, 1024, 4] }, seeds: 300 });
    const perNetwork = networkFootprint(runs[0]!.config);
    // 8 MiB per network in the largest buffer: 127 fit under 1 GiB (16 bytes of rounding).
    expect(perNetwork.largestBufferBytes).toBe(8 * 2 ** 20);
    expect(planBatches(runs, limits).map((b) => b.length)).toEqual([100, 100, 100]);
    // Host memory for building 50 networks (12 bytes per layer entry) beside all the records.
    const host = experimentRecordBytes(runs) + 50 * perNetwork.hostBuildBytes + 48 * 4;
    const tight = { ...limits, hostBytes: host };
    expect(networksThatFit(runs[0]!.config, tight, experimentRecordBytes(runs))).toBe(50);
    expect(planBatches(runs, tight).map((b) => b.length)).toEqual([50, 50, 50, 50, 50, 50]);
    expect(planBatches(runs, tight).flat()).toEqual(runs);
  });

  it('plans batches to batchBytes (a software adapter’s) but checks a network against the binding limit', () => {
    const runs = expandRuns({ ...base, network: { widths: [4, 1024, 4] }, seeds: 300 });
    // 8 MiB per network: 32 MiB batches hold 3 (16 bytes of rounding), and one network still fits.
    expect(planBatches(runs, { ...limits, batchBytes: 32 * 2 ** 20 }).map((b) => b.length)).toEqual(
      Array.from({ length: 100 }, () => 3),
    );
    expect(planBatches(runs.slice(0, 1), { ...limits, batchBytes: 2 ** 20 }).map((b) => b.length)).toEqual([1]);
  });

  it('lets the Simulator refuse a batch built by hand with the same error', () => {
    const [run] = expandRuns({ ...base, network: { widths: [4, 100000, 4] } });
    expect(() => checkNetworkFits(run!, limits)).toThrow(
      /`network.widths` = \[4,100000,4\]: one network needs a GPU buffer of 74.51 GiB/,
    );
  });
});
