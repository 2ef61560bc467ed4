/**
 * Results streamed batch by batch (src/results/result-stream.ts, `dlnsim run` beyond the Parquet
 * threshold) are the files writeResults writes from the whole result, byte for byte, whatever
 * order the batches come in; the result keeps only the traces report.html draws; an interrupted
 * experiment keeps what trained; a failed one leaves nothing behind. Streamed shards merge
 * (`dlnsim merge`, src/results/merge-stream.ts) into the unsharded run's tables.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { Config, Run } from '../../src/config/types.js';
import { experimentRun, fullTrace } from '../../src/experiment/experiment-run.js';
import type { ExperimentResult, ExperimentRun } from '../../src/experiment/types.js';
import { mergeDirectories } from '../../src/cli/merge-command.js';
import { shardRuns } from '../../src/experiment/index.js';
import { readResults, ResultStream, writeResults } from '../../src/results/index.js';
import { readSummary } from '../../src/results/files.js';
import { storedRuns } from '../../src/results/merge-stream.js';
import { streamsResults } from '../../src/results/result-stream.js';

const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-stream-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

function config(seeds: number, sweep?: Config['sweep']): Config {
  return {
    name: 'stream',
    seeds,
    record: { every: 10 },
    train: { lr: 0.1, steps: 20 },
    task: { kind: 'factorization', target: { rows: 3, cols: 3, singularValues: [2, 1, 0.5], seed: 1 } },
    network: { depth: 2, width: 3 },
    init: { kind: 'gaussian', std: 0.01, seed: 0 },
    ...(sweep ? { sweep } : {}),
  };
}

/** A made-up trained run: its loss and spectrum differ per run, run 3 diverges. */
function trained(run: Run): ExperimentRun {
  const steps = [0, 10, 20];
  return experimentRun(
    run,
    fullTrace({
      steps,
      times: steps.map((s) => run.config.train.lr * s),
      losses: steps.map((_, i) => Math.fround(2 / (1 + i + (run.id % 13)))),
      singularValues: steps.map((_, i) => [2, 1, 0.5].map((v) => Math.fround((v * (1 + i)) / (3 + (run.id % 7))))),
    }),
    run.id === 3 ? { step: 10, reason: 'loss became NaN' } : false,
  );
}

function resultOf(cfg: Config, runs: ExperimentRun[], aborted = false): ExperimentResult {
  return {
    config: cfg,
    device: { adapter: 'test adapter', fallback: true },
    timing: { seconds: 1, steps: 20, networkSteps: 20, networkStepsPerSecond: 20, kernels: [] },
    shard: null,
    aborted,
    runs: [...runs].sort((a, b) => a.id - b.id),
  };
}

/** Streams `batches` (runs of `planned`, in the order given) and returns the result the CLI would hold. */
async function streamed(dir: string, cfg: Config, planned: Run[], batches: Run[][], aborted = false) {
  const stream = await ResultStream.open(dir, planned);
  const kept: ExperimentRun[] = [];
  for (const batch of batches) kept.push(...(await stream.add(batch.map(trained))));
  const result = resultOf(cfg, kept, aborted);
  return { result, ...(await stream.finish(result, { preset: null })) };
}

const bytes = (dir: string, name: string) => readFile(join(dir, name));

describe('streamed results', () => {
  it('writes the same runs.parquet and trace.parquet as the whole result, batches in any order, over several row groups', async () => {
    // 25 000 runs × 3 records: two row groups of the trace; batches of a sweep that interleave ids.
    const cfg = config(12_500, { 'train.lr': [0.1, 0.2] });
    const planned = expandRuns(cfg);
    const odd = planned.filter((run) => run.id % 2 === 1);
    const even = planned.filter((run) => run.id % 2 === 0);
    const batches = [odd.slice(0, 5000), even.slice(0, 9000), odd.slice(5000), even.slice(9000)];
    const whole = join(scratch, 'whole');
    await writeResults(whole, resultOf(cfg, planned.map(trained)), { preset: null }, 'parquet');
    const stream = join(scratch, 'streamed');
    const { result, paths, sweepPoints } = await streamed(stream, cfg, planned, batches);
    expect(paths.format).toBe('parquet');
    for (const name of ['runs.parquet', 'trace.parquet', 'summary.json'])
      expect((await bytes(stream, name)).equals(await bytes(whole, name)), name).toBe(true);
    // report.html too, but for its time stamp.
    const report = async (dir: string) => (await readFile(join(dir, 'report.html'), 'utf8')).replace(/on \S+Z\./, '');
    expect(await report(stream)).toBe(await report(whole));
    // The result holds only the runs the report draws (48: its time plots); the aggregates count all.
    expect(result.runs).toHaveLength(48);
    expect(sweepPoints.reduce((sum, point) => sum + point.runs, 0)).toBe(25_000);
    expect((await readResults(stream)).result.runs).toHaveLength(25_000);
  }, 120_000);

  it('an interrupted experiment keeps the runs that trained, in id order', async () => {
    const cfg = config(40);
    const planned = expandRuns(cfg);
    const dir = join(scratch, 'interrupted');
    // The first and third quarters trained; the second never did.
    await streamed(dir, cfg, planned, [planned.slice(0, 10), planned.slice(20, 30)], true);
    const back = await readResults(dir);
    expect(back.result.aborted).toBe(true);
    expect(back.result.runs.map((run) => run.id)).toEqual(
      [...planned.slice(0, 10), ...planned.slice(20, 30)].map((r) => r.id),
    );
    expect(back.result.runs[15]!.trace.losses).toEqual(trained(planned[25]!).trace.losses);
  });

  it('leaves no file behind when discarded', async () => {
    const dir = join(scratch, 'discarded');
    const stream = await ResultStream.open(dir, expandRuns(config(4)));
    await stream.add(expandRuns(config(4)).map(trained));
    await stream.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('streams only a config file’s results beyond the threshold, in Parquet, without record.matrices', () => {
    const many = expandRuns(config(10_001));
    expect(streamsResults(many, 'auto', false)).toBe(true);
    expect(streamsResults(many, 'parquet', false)).toBe(true);
    expect(streamsResults(many, 'json', false)).toBe(false);
    expect(streamsResults(many, 'auto', true)).toBe(false);
    expect(streamsResults(expandRuns(config(10_000)), 'auto', false)).toBe(false);
    const matrices = expandRuns({ ...config(10_001), record: { every: 10, matrices: true } });
    expect(streamsResults(matrices, 'auto', false)).toBe(false);
  });
});

describe('merging streamed shards', () => {
  it('writes the tables of the unsharded run, byte for byte, with the shards’ timing summed', async () => {
    // 12 000 runs (beyond the threshold) in 3 shards, each streamed as `dlnsim run --shard i/3` writes it.
    const cfg = config(6_000, { 'train.lr': [0.1, 0.2] });
    const planned = expandRuns(cfg);
    const whole = join(scratch, 'merge-whole');
    const { sweepPoints: wholePoints } = await streamed(whole, cfg, planned, [planned]);
    const dirs: string[] = [];
    for (const index of [1, 2, 3]) {
      const shard = { index, count: 3 };
      const runs = shardRuns(planned, shard);
      const dir = join(scratch, `merge-shard${index}`);
      const stream = await ResultStream.open(dir, runs);
      const kept: ExperimentRun[] = [];
      for (const batch of [runs.slice(0, 1500), runs.slice(1500)]) kept.push(...(await stream.add(batch.map(trained))));
      await stream.finish({ ...resultOf(cfg, kept), shard }, { preset: null });
      dirs.push(dir);
    }
    const out = join(scratch, 'merged');
    const merged = await mergeDirectories(out, [dirs[2]!, dirs[0]!, dirs[1]!], 'auto');
    expect(merged.paths.format).toBe('parquet');
    for (const name of ['runs.parquet', 'trace.parquet'])
      expect((await bytes(out, name)).equals(await bytes(whole, name)), name).toBe(true);
    expect(merged.sweepPoints).toEqual(wholePoints);
    // It held only the runs the report draws; the merged summary is the unsharded experiment's.
    expect(merged.result.runs).toHaveLength(48);
    const summary = await readSummary(out);
    expect(summary.shard).toBeNull();
    expect(summary.timing.seconds).toBe(3);
    expect(summary.sweepPoints).toEqual(wholePoints);
    expect((await readResults(out)).result.runs.map((run) => run.id)).toEqual(planned.map((run) => run.id));
  }, 120_000);

  it('rejects a shard whose table holds another shard’s runs', async () => {
    const dir = join(scratch, 'merge-shard1');
    const summary = await readSummary(dir);
    const reader = storedRuns(
      { dir, summary: { ...summary, shard: { index: 2, count: 3 } } },
      expandRuns(summary.config),
    );
    await expect(reader.next()).rejects.toThrow(/run 0 is not a run of shard 2\/3/);
  });
});
