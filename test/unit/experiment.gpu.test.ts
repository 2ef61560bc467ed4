/**
 * Experiments on the GPU, end to end through the CLI (in-process, on the shared test device):
 * the files a run writes, their agreement with a Simulator run of the same config, sharding and
 * merging, batch splitting, cancellation and a preset with a final-layer measurement.
 * Everything is tiny (n ≤ 4, ≤ 60 steps): SwiftShader is slow.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { numericalRank } from '../../src/analysis/index.js';
import { runCli } from '../../src/cli/cli.js';
import type { Config } from '../../src/config/types.js';
import { Simulator } from '../../src/engine/simulator.js';
import { singularValues } from '../../src/linalg/decompositions.js';
import { fromArray } from '../../src/linalg/matrix.js';
import { bytesPerNetwork, runExperiment } from '../../src/experiment/index.js';
import { expandRuns } from '../../src/config/index.js';
import { readResults, type Summary } from '../../src/results/index.js';
import { testGpu } from '../helpers/gpu.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());
const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-experiment-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Two depths (two batches), two learning rates, two seeds: 8 runs of 4×4 networks. */
const config: Config = {
  name: 'tiny',
  task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [2, 1], seed: 1 } },
  network: { depth: 2, width: 4 },
  init: { kind: 'gaussian', std: 0.3, seed: 0 },
  train: { lr: 0.05, steps: 60 },
  record: { every: 10 },
  seeds: 2,
  sweep: { 'network.depth': [2, 3], 'train.lr': [0.05, 0.1] },
};
const configPath = join(scratch, 'tiny.json');
await writeFile(configPath, JSON.stringify(config));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    gpu: gpu!,
  });
  return { code, stdout, stderr };
}

const readSummary = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
const readTrace = async (dir: string) => (await readFile(join(dir, 'trace.csv'), 'utf8')).trimEnd().split('\n');

describe.skipIf(!gpu)('dlnsim run on the GPU', () => {
  const out = join(scratch, 'whole');
  let summary: Summary;

  it('trains a config file and writes summary.json, trace.csv and report.html', async () => {
    const { code, stdout, stderr } = await cli('run', configPath, '--out', out);
    expect(code).toBe(0);
    expect(stderr).toContain('8 runs in 2 batches');
    expect(stderr).toMatch(
      /batch 2\/2 \(4 networks\) · step 60\/60 \(100%\) · .* steps\/s · .* network-steps\/s · ETA/,
    );
    expect(stdout).toContain('network.depth = 3, train.lr = 0.1');
    expect(stdout).toContain(join(out, 'report.html'));
    for (const file of ['summary.json', 'trace.csv', 'report.html'])
      expect((await stat(join(out, file))).size).toBeGreaterThan(0);
    summary = await readSummary(out);
    expect(summary.config).toEqual(config);
    expect(summary.preset).toBeNull();
    expect(summary.aborted).toBe(false);
    expect(summary.runs!.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(summary.timing.steps).toBe(120);
    expect(summary.timing.networkSteps).toBe(480);
    expect(summary.device.adapter).toBe(gpu!.adapter.name);
    expect((await readFile(join(out, 'report.html'), 'utf8')).length).toBeGreaterThan(1000);
  });

  it('writes one trace row per run per record, time = lr·step', async () => {
    const lines = await readTrace(out);
    expect(lines[0]).toBe(
      'run,step,time,loss,objective,testError,lazyDeviation,unobservedChange,logVolume,entropy,sv1,sv2,sv3,sv4',
    );
    // Records at steps 0, 10, …, 60 for each of the 8 runs.
    expect(lines).toHaveLength(1 + 8 * 7);
    const row = lines.find((l) => l.startsWith('2,60,'))!.split(',');
    expect(Number(row[2])).toBe(6); // run 2 has lr 0.1
    expect(row).toHaveLength(14);
  });

  it('writes record.matrices as matrices/run-<id>.npy whose W has the trace’s singular values', async () => {
    const dir = join(scratch, 'matrices');
    const { code } = await cli(
      'run',
      configPath,
      '--out',
      dir,
      '--quiet',
      '--set',
      'record.matrices=true',
      '--set',
      'sweep={"network.depth":[2]}',
      '--set',
      'seeds=1',
    );
    expect(code).toBe(0);
    const bytes = await readFile(join(dir, 'matrices', 'run-0.npy'));
    const headerLength = bytes.readUInt16LE(8);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toContain("'shape': (7, 4, 4)");
    const rows = (await readTrace(dir)).filter((line) => line.startsWith('0,'));
    for (const [r, line] of rows.entries()) {
      const w = Float64Array.from({ length: 16 }, (_, k) => bytes.readFloatLE(10 + headerLength + 4 * (16 * r + k)));
      const expected = line.split(',').slice(10, 14).map(Number); // sv1…sv4 after the 10 fixed columns
      const actual = singularValues(fromArray(4, 4, w));
      // GPU f32 singular values against a Float64 SVD of the exported f32 W.
      expected.forEach((s, i) => expect(Math.abs(actual[i]! - s)).toBeLessThan(1e-5 * expected[0]!));
    }
  });

  it('reports exactly what a Simulator run of the same config computes', async () => {
    const runs = expandRuns(config);
    for (const depth of [2, 3]) {
      const batch = runs.filter((r) => r.config.widths.length - 1 === depth);
      const sim = await Simulator.create(gpu!, batch);
      await sim.run();
      batch.forEach((run, b) => {
        const reported = summary.runs![run.id]!;
        const values = sim.trace.singularValues(b).at(-1)!;
        expect(reported.finalLoss).toBe(sim.trace.losses(b).at(-1));
        expect(reported.singularValues).toEqual(values);
        expect(reported.rank).toBe(numericalRank(values, run.config.record.rankTolerance));
        expect(reported.finalStep).toBe(60);
      });
      sim.destroy();
    }
  });

  it('gives each run the same result whatever batch it trains in (batch composition does not leak)', async () => {
    const runs = expandRuns(config);
    for (const run of [runs[0]!, runs[7]!]) {
      const sim = await Simulator.create(gpu!, [run]);
      await sim.run();
      expect(sim.trace.losses(0).at(-1)).toBe(summary.runs![run.id]!.finalLoss);
      sim.destroy();
    }
  });

  it('shards 1/2 and 2/2, merged, equal the unsharded run', async () => {
    const shards = [join(scratch, 'shard-1'), join(scratch, 'shard-2')];
    expect((await cli('run', configPath, '--shard', '1/2', '--out', shards[0]!, '--quiet')).code).toBe(0);
    expect((await cli('run', configPath, '--shard', '2/2', '--out', shards[1]!, '--quiet')).code).toBe(0);
    const first = await readSummary(shards[0]!);
    expect(first.shard).toEqual({ index: 1, count: 2 });
    expect(first.runs!.map((r) => r.id)).toEqual([0, 2, 4, 6]);
    const merged = join(scratch, 'merged');
    const { code, stdout } = await cli('merge', merged, ...shards);
    expect(code).toBe(0);
    expect(stdout).toContain('merged 2 shards');
    const joined = await readSummary(merged);
    expect(joined.shard).toBeNull();
    expect(joined.runs!.map((r) => [r.id, r.overrides, r.finalLoss, r.singularValues, r.rank, r.plateaus])).toEqual(
      summary.runs!.map((r) => [r.id, r.overrides, r.finalLoss, r.singularValues, r.rank, r.plateaus]),
    );
    expect(await readTrace(merged)).toEqual(await readTrace(out));
    expect((await cli('merge', join(scratch, 'half'), shards[0]!)).stderr).toMatch(/shard 2\/2 missing/);
  });

  it('splits a batch that exceeds the binding limit, with unchanged results', async () => {
    const single: Config = { ...config, sweep: { 'train.lr': [0.05, 0.1] } };
    const runs = expandRuns(single);
    const batches: number[] = [];
    const result = await runExperiment(gpu!, single, {
      maxBindingBytes: 2 * bytesPerNetwork(runs[0]!.config) + 16,
      onBatchStart: (_i, _n, batch) => batches.push(batch.length),
    });
    expect(batches).toEqual([2, 2]);
    expect(result.runs.map((r) => r.finalLoss)).toEqual([0, 1, 2, 3].map((id) => summary.runs![id]!.finalLoss));
  });

  it('stops on abort, keeps the records up to then and exits 130 from the CLI', async () => {
    const controller = new AbortController();
    const long: Config = { ...config, train: { ...config.train, steps: 2000 }, sweep: undefined, seeds: 1 };
    const result = await runExperiment(gpu!, long, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
      simulator: { dispatchesPerSubmit: 40 },
    });
    expect(result.aborted).toBe(true);
    expect(result.runs).toHaveLength(1);
    const run = result.runs[0]!;
    expect(run.finalStep).toBeLessThan(2000);
    expect(run.trace.steps.at(-1)).toBe(run.finalStep);

    const dir = join(scratch, 'aborted');
    const aborted = new AbortController();
    aborted.abort();
    let stdout = '';
    const code = await runCli(['run', configPath, '--out', dir, '--quiet'], {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => true },
      signal: aborted.signal,
      gpu: gpu!,
    });
    expect(code).toBe(130);
    expect(stdout).toContain('interrupted');
    expect((await readSummary(dir)).aborted).toBe(true);
  });

  it('runs a preset with a final-layer measurement and prints its verdict', async () => {
    const dir = join(scratch, 'preset');
    const { code, stdout } = await cli(
      'run', 'depth-l2', '--out', dir, '--quiet',
      '--set', 'task.target={"rows":4,"cols":4,"singularValues":[2,1,0.3],"seed":1}',
      '--set', 'network.width=4', '--set', 'train.steps=40', '--set', 'seeds=1',
      '--set', 'sweep={"network.depth":[2,3],"train.weightDecay":[0.1]}',
    ); // prettier-ignore
    expect(code).toBe(0);
    expect(stdout).toContain('depth-l2: Weight decay λ on the layers');
    expect(stdout).toMatch(/\n(PASS|FAIL): /);
    const written = await readSummary(dir);
    expect(written.preset).toBe('depth-l2');
    expect(written.verdict?.claim).toContain('Σ_k ‖W_k‖² = N Σ σ_i^{2/N}');
    for (const run of written.runs!) expect(run.metrics.schattenRatio).toBeGreaterThanOrEqual(1 - 1e-5);
  });

  it('describes the adapter and its limits', async () => {
    const { code, stdout } = await cli('info');
    expect(code).toBe(0);
    expect(stdout).toContain(gpu!.adapter.name);
    expect(stdout).toMatch(/maxStorageBufferBindingSize\s+\d/);
  });
});

describe.skipIf(!gpu)('many networks', () => {
  // One batch on a hardware adapter; on a software one batches of SOFTWARE_BATCH_BUFFER_BYTES (src/gpu/host-memory.ts).
  it('runExperiment gathers 2·10⁵ runs (a batch of them spread as arguments overflowed the stack at 10⁶)', async () => {
    const config: Config = {
      task: { kind: 'factorization', target: { rows: 2, cols: 2, singularValues: [1, 0.5] } },
      network: { depth: 1, width: 2 },
      init: { kind: 'gaussian', std: 0.1 },
      train: { lr: 0.1, steps: 1 },
      record: { every: 1, spectra: 'none' },
      seeds: 200_000,
    };
    const result = await runExperiment(gpu!, config);
    expect(result.runs).toHaveLength(200_000);
    expect(result.runs[199_999]!.id).toBe(199_999);
    expect(result.runs.every((run) => Number.isFinite(run.finalLoss))).toBe(true);
  }, 120_000);

  // A config file (its preset is null, not undefined: the CLI once held every run because of that).
  it('dlnsim run streams a config file’s results beyond 10⁴ runs', async () => {
    const path = join(scratch, 'many.json');
    await writeFile(
      path,
      JSON.stringify({
        task: { kind: 'factorization', target: { rows: 2, cols: 2, singularValues: [1, 0.5] } },
        network: { depth: 1, width: 2 },
        init: { kind: 'gaussian', std: 0.1 },
        train: { lr: 0.1, steps: 2 },
        record: { every: 1 },
        seeds: 10_001,
      }),
    );
    const dir = join(scratch, 'streamed');
    const { code, stderr } = await cli('run', path, '--out', dir);
    expect(code).toBe(0);
    expect(stderr).toContain(`results streamed to ${dir} batch by batch`);
    const back = await readResults(dir);
    expect(back.result.runs.map((run) => run.id)).toEqual(Array.from({ length: 10_001 }, (_, i) => i));
    expect(back.result.runs[10_000]!.trace.steps).toEqual([0, 1, 2]);
  }, 120_000);
});
