/**
 * runs.parquet and trace.parquet: written by hyparquet-writer, read back by dlnsim (hyparquet) for
 * `dlnsim merge`, and by a second, independent implementation (parquet-wasm: the Rust arrow-rs
 * parquet reader compiled to WebAssembly, decoded with apache-arrow), so the files are valid
 * Parquet for other readers (pandas' pyarrow is arrow's C++ reader), not only for the library that
 * wrote them.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { experimentRun, fullTrace } from '../../src/experiment/experiment-run.js';
import type { ExperimentResult } from '../../src/experiment/types.js';
import { parseSummary, readResults, ResultsError, writeResults } from '../../src/results/index.js';

const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-parquet-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const config: Config = {
  name: 'parquet',
  task: { kind: 'factorization', target: { rows: 3, cols: 3, singularValues: [2, 1], seed: 1 } },
  network: { depth: 2, width: 3 },
  init: { kind: 'gaussian', std: 0.01, seed: 0 },
  train: { lr: 0.1, steps: 30 },
  record: { every: 10 },
  sweep: { 'train.lr': [0.1, 0.2], 'task.target.singularValues': [[2, 1], [3]] },
  seeds: 3,
};

/** Made-up traces: run r's loss at record i is 1/(1 + i + r), its spectrum [2, 1, 0.5]/(1 + r), run 0 without spectra; run 5 diverges. */
function result(): ExperimentResult {
  return {
    config,
    device: { adapter: 'test adapter', fallback: true },
    timing: { seconds: 1, steps: 30, networkSteps: 360, networkStepsPerSecond: 360, kernels: [] },
    shard: null,
    aborted: false,
    runs: expandRuns(config).map((run) => {
      const steps = [0, 10, 20, 30];
      const trace = fullTrace({
        steps,
        times: steps.map((s) => run.config.train.lr * s),
        losses: steps.map((_, i) => Math.fround(1 / (1 + i + run.id))),
        singularValues: steps.map(() => (run.id === 0 ? [] : [2, 1, 0.5].map((v) => Math.fround(v / (1 + run.id))))),
      });
      return experimentRun(
        run,
        trace,
        run.id === 5 ? { step: 20, reason: 'loss became NaN' } : false,
        run.id === 1 ? { ratio: 1.5, missing: NaN } : {},
      );
    }),
  };
}

/** The file's columns as plain arrays, by the independent reader. */
async function independentRead(path: string): Promise<{ rows: number; columns: Record<string, unknown[]> }> {
  const table = tableFromIPC(readParquet(new Uint8Array(await readFile(path))).intoIPCStream());
  const columns = Object.fromEntries(
    table.schema.fields.map((field) => [
      field.name,
      [...table.getChild(field.name)!].map((v) => (typeof v === 'bigint' ? Number(v) : v)),
    ]),
  );
  return { rows: table.numRows, columns };
}

describe('Parquet results', () => {
  const original = result();
  const dir = join(scratch, 'parquet');
  const written = writeResults(dir, original, { preset: null }, 'parquet');

  it('writes runs.parquet and trace.parquet, and a summary.json without runs that points to them', async () => {
    const paths = await written;
    expect(paths.format).toBe('parquet');
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'runs.parquet', 'summary.json', 'trace.parquet']);
    const summary = parseSummary(await readFile(paths.summary, 'utf8'), 'summary.json');
    expect(summary.runs).toBeUndefined();
    expect(summary.tables).toEqual({ runs: 'runs.parquet', trace: 'trace.parquet' });
    expect(summary.sweepPoints.map((p) => p.runs)).toEqual([3, 3, 3, 3]);
  });

  it('reads back through dlnsim (hyparquet) to the same result', async () => {
    await written;
    const back = (await readResults(dir)).result;
    expect(back.runs.map((r) => r.id)).toEqual(original.runs.map((r) => r.id));
    back.runs.forEach((run, i) => {
      const want = original.runs[i]!;
      expect(run.overrides).toEqual(want.overrides);
      expect(run.config).toEqual(want.config);
      expect(run.finalLoss).toBe(want.finalLoss);
      expect(run.finalStep).toBe(want.finalStep);
      expect(run.diverged).toEqual(want.diverged);
      expect(run.singularValues).toEqual(want.singularValues);
      expect(run.rank).toBe(want.rank);
      expect(run.plateaus).toEqual(want.plateaus);
      expect(run.trace).toEqual(want.trace);
    });
    expect(back.runs[1]!.metrics.ratio).toBe(1.5);
    expect(back.runs[1]!.metrics.missing).toBeNaN();
  });

  it('is valid Parquet to an independent reader (parquet-wasm), with the CSV/JSON columns and values', async () => {
    await written;
    const runs = await independentRead(join(dir, 'runs.parquet'));
    expect(runs.rows).toBe(12);
    expect(Object.keys(runs.columns)).toEqual([
      'run',
      'finalStep',
      'finalLoss',
      'divergedStep',
      'divergedReason',
      'rank',
      'effectiveRank',
      'plateaus',
      'unresolvedSaddles',
      'halfTimes',
      'flowThreshold',
      'logVolume',
      'objective',
      'weightNormSq',
      'testError',
      'lazyDeviation',
      'unobservedChange',
      'escapeAlignment',
      'minimum',
      'train.lr',
      'task.target.singularValues',
      'init.seed',
      'sv1',
      'sv2',
      'sv3',
      'metric.ratio',
      'metric.missing',
    ]);
    expect(runs.columns.run).toEqual(original.runs.map((r) => r.id));
    expect(runs.columns.finalLoss).toEqual(original.runs.map((r) => r.finalLoss));
    expect(runs.columns['train.lr']).toEqual(original.runs.map((r) => r.overrides['train.lr']));
    expect(runs.columns['task.target.singularValues']![3]).toBe('[3]');
    expect(runs.columns['metric.missing']![1]).toBeNaN();
    expect(runs.columns['metric.missing']![0]).toBeNull();
    expect(runs.columns.divergedReason![5]).toBe('loss became NaN');
    expect(runs.columns.sv1![0]).toBeNull();
    expect(runs.columns.sv1![2]).toBe(Math.fround(2 / 3));

    const trace = await independentRead(join(dir, 'trace.parquet'));
    expect(trace.rows).toBe(12 * 4);
    expect(Object.keys(trace.columns)).toEqual([
      'run',
      'step',
      'time',
      'loss',
      'objective',
      'testError',
      'lazyDeviation',
      'unobservedChange',
      'logVolume',
      'entropy',
      'sv1',
      'sv2',
      'sv3',
    ]);
    const at = (run: number, record: number) => run * 4 + record;
    expect(trace.columns.step![at(7, 2)]).toBe(20);
    expect(trace.columns.time![at(7, 2)]).toBe(original.runs[7]!.trace.times[2]);
    expect(trace.columns.loss![at(7, 2)]).toBe(Math.fround(1 / 10));
    expect(trace.columns.sv3![at(0, 1)]).toBeNull();
  });

  it('writes row groups of whole runs at scale and reads them back', async () => {
    // 40 000 runs of 2 records: beyond the automatic threshold, two row groups of the trace.
    const big: ExperimentResult = { ...original, config: { ...config, sweep: undefined, seeds: 40_000 } };
    big.runs = expandRuns(big.config).map((run) =>
      experimentRun(
        run,
        fullTrace({
          steps: [0, 30],
          times: [0, 3],
          losses: [1, Math.fround(1 / (1 + run.id))],
          singularValues: [[1], [0.5]],
        }),
        false,
      ),
    );
    const bigDir = join(scratch, 'big');
    const paths = await writeResults(bigDir, big, {});
    expect(paths.format).toBe('parquet');
    const back = (await readResults(bigDir)).result;
    expect(back.runs).toHaveLength(40_000);
    expect(back.runs[39_999]!.trace.losses).toEqual([1, Math.fround(1 / 40_000)]);
    expect((await independentRead(paths.trace)).rows).toBe(80_000);
  });

  it('rejects a Parquet file that is not a dlnsim table', async () => {
    await written;
    const { copyFile } = await import('node:fs/promises');
    const wrong = join(scratch, 'wrong');
    await writeResults(wrong, original, {}, 'parquet');
    await copyFile(join(dir, 'runs.parquet'), join(wrong, 'trace.parquet'));
    await expect(readResults(wrong)).rejects.toThrow(ResultsError);
    await expect(readResults(wrong)).rejects.toThrow(/not a dlnsim trace table/);
  });
});
