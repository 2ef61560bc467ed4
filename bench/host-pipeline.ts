/**
 * The host side of an experiment without the GPU, on synthetic results, run as two shards:
 * expansion → batch planning → per-run analysis → each shard's summary, trace and report writers →
 * `dlnsim merge` of the shards → the overview → reading the merged tables back. The
 * `host-scaling` bench row times it at N = 10³ … 10⁶ and test/unit/host-scaling.test.ts counts its
 * work; both use the 4×4 factorization, depth 3, 20 steps, recording every 10, with
 * `seeds` = N.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultOverview } from '../src/cli/result-text.js';
import { expandRuns } from '../src/config/index.js';
import type { Config, Run } from '../src/config/types.js';
import { experimentRun, fullTrace } from '../src/experiment/experiment-run.js';
import { planBatches } from '../src/experiment/run-experiment.js';
import { HOST_MEMORY_FRACTION, hostMemory } from '../src/gpu/host-memory.js';
import type { ExperimentResult, ExperimentRun, RunTrace, Shard } from '../src/experiment/types.js';
import { mergeDirectories } from '../src/cli/merge-command.js';
import { shardRuns } from '../src/experiment/shard.js';
import { type FormatChoice, readResults, ResultStream, writeResults } from '../src/results/index.js';
import { readSummary } from '../src/results/files.js';
import { storedRuns } from '../src/results/merge-stream.js';
import { streamsResults } from '../src/results/result-stream.js';

export function scalingConfig(seeds: number): Config {
  return {
    name: `host-scaling-${seeds}`,
    task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [4, 2, 1, 0.5], seed: 1 } },
    network: { depth: 3, width: 4 },
    init: { kind: 'gaussian', std: 0.01, seed: 0 },
    train: { lr: 0.05, steps: 20 },
    record: { every: 10 },
    seeds,
  };
}

/** WebGPU's default maxStorageBufferBindingSize: the batches a default device would train. */
const DEFAULT_BINDING_LIMIT = 134_217_728;

/** A made-up trace for run `run`: the loss falls from 7.6 as the spectrum grows, differently per seed. */
function syntheticTrace(run: Run, steps: number[]): RunTrace {
  const scale = 1 + (run.id % 97) / 97;
  return fullTrace({
    steps,
    times: steps.map((step) => run.config.train.lr * step),
    losses: steps.map((step) => Math.fround(7.6 / (1 + (scale * step) / 10))),
    singularValues: steps.map((step) => [4, 2, 1, 0.5].map((s) => Math.fround((s * scale * (step + 1)) / 21))),
  });
}

export interface StageSizes {
  runs: number;
  batches: number;
  summaryBytes: number;
  runsBytes: number;
  traceBytes: number;
  reportBytes: number;
  overviewLines: number;
}

export interface PipelineOptions {
  format?: FormatChoice;
  /** Wraps each analysed run (the unit test counts property reads through a Proxy). */
  wrap?: (run: ExperimentRun) => ExperimentRun;
  /** Called at the end of each stage, with its name. */
  onStage?: (stage: string) => void;
}

/** The shards the pipeline writes and merges, as a cluster would run the experiment. */
const SHARDS = 2;

/** The limits a default WebGPU device on this machine's memory would plan batches to. */
function hostLimits() {
  const host = hostMemory();
  return { bindingBytes: DEFAULT_BINDING_LIMIT, hostBytes: HOST_MEMORY_FRACTION * host.bytes, hostSource: host.source };
}

/**
 * Shard `shard` as `dlnsim run --shard i/n` does it, in a function of its own so that, as in a
 * process of its own, nothing of it stays alive after: expansion, planning, analysis (beyond the
 * Parquet threshold each batch's runs are written as they are analysed and only the runs the
 * report draws are kept: result-stream.ts), then the files. Returns its number of batches.
 */
async function runShard(config: Config, shard: Shard, dir: string, options: PipelineOptions): Promise<number> {
  const stage = options.onStage ?? (() => undefined);
  const wrap = options.wrap ?? ((run) => run);
  const format = options.format ?? 'auto';
  const runs = shardRuns(expandRuns(config), shard);
  stage('expand');
  const batches = planBatches(runs, hostLimits());
  stage('plan');
  const steps = [0, 10, 20];
  const stream = streamsResults(runs, format, false) ? await ResultStream.open(dir, runs) : undefined;
  const analysed: ExperimentRun[] = [];
  for (const batch of batches) {
    const done = batch.map((run) => wrap(experimentRun(run, syntheticTrace(run, steps), false)));
    for (const run of stream ? await stream.add(done) : done) analysed.push(run);
  }
  stage('analyse');
  const networkSteps = 20 * analysed.length;
  const result: ExperimentResult = {
    config,
    device: { adapter: 'synthetic (no GPU)', fallback: false },
    timing: { seconds: 1, steps: 20, networkSteps, networkStepsPerSecond: networkSteps, kernels: [] },
    shard,
    aborted: false,
    runs: analysed,
  };
  if (stream) await stream.finish(result, { preset: null });
  else await writeResults(dir, result, { preset: null }, format);
  stage('write');
  return batches.length;
}

/** Reads the merged directory as a reader would: the whole result in the JSON format, the Parquet tables a row group at a time. */
async function countStoredRuns(dir: string, format: string): Promise<number> {
  if (format !== 'parquet') return (await readResults(dir)).result.runs.length;
  const summary = await readSummary(dir);
  let count = 0;
  for await (const _run of storedRuns({ dir, summary }, expandRuns(summary.config))) count++;
  return count;
}

/**
 * The pipeline on `seeds` runs; `options.onStage` is called at the end of each stage, the shards'
 * stages once per shard (the bench adds them up).
 */
export async function hostPipeline(seeds: number, options: PipelineOptions = {}): Promise<StageSizes> {
  const stage = options.onStage ?? (() => undefined);
  const config = scalingConfig(seeds);
  const dir = await mkdtemp(join(tmpdir(), 'dlnsim-host-scaling-'));
  try {
    const shardDirs: string[] = [];
    let batches = 0;
    for (let index = 1; index <= SHARDS; index++) {
      shardDirs.push(join(dir, `shard${index}`));
      batches += await runShard(config, { index, count: SHARDS }, shardDirs[index - 1]!, options);
    }
    const out = join(dir, 'merged');
    const merged = await mergeDirectories(out, shardDirs, options.format ?? 'auto');
    stage('merge');
    const overviewLines = resultOverview(merged.result, merged.sweepPoints).length;
    stage('overview');
    const count = await countStoredRuns(out, merged.paths.format);
    if (count !== seeds) throw new Error(`read back ${count} runs of ${seeds}`);
    stage('read back');
    const size = async (path: string) => (await stat(path)).size;
    const { paths } = merged;
    return {
      runs: seeds,
      batches,
      summaryBytes: await size(paths.summary),
      runsBytes: paths.format === 'parquet' ? await size(paths.runs) : 0,
      traceBytes: await size(paths.trace),
      reportBytes: await size(paths.report),
      overviewLines,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
