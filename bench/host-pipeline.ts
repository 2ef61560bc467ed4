/**
 * The host side of an experiment without the GPU, on synthetic results: expansion → batch
 * planning → per-run analysis → sweep-point aggregates, overview, summary, trace and report
 * writers → reading back as `dlnsim merge` does. The `host-scaling` bench row times it at
 * N = 10³ … 10⁶ and test/unit/host-scaling.test.ts counts its work; both use the 4×4
 * factorization, depth 3, 20 steps, recording every 10, with `seeds` = N.
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
import type { ExperimentResult, ExperimentRun, RunTrace } from '../src/experiment/types.js';
import { type FormatChoice, readResults, ResultStream, writeResults } from '../src/results/index.js';
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

export async function hostPipeline(seeds: number, options: PipelineOptions = {}): Promise<StageSizes> {
  const stage = options.onStage ?? (() => undefined);
  const config = scalingConfig(seeds);
  const runs = expandRuns(config);
  stage('expand');
  const host = hostMemory();
  const batches = planBatches(runs, {
    bindingBytes: DEFAULT_BINDING_LIMIT,
    hostBytes: HOST_MEMORY_FRACTION * host.bytes,
    hostSource: host.source,
  });
  stage('plan');
  const steps = [0, 10, 20];
  const wrap = options.wrap ?? ((run) => run);
  const format = options.format ?? 'auto';
  const dir = await mkdtemp(join(tmpdir(), 'dlnsim-host-scaling-'));
  try {
    // As `dlnsim run` does: beyond the Parquet threshold each batch's runs are written as it is
    // analysed and only the runs the report draws are kept (src/results/result-stream.ts).
    const stream = streamsResults(runs, format, false) ? await ResultStream.open(dir, runs) : undefined;
    const analysed: ExperimentRun[] = [];
    for (const batch of batches) {
      const done = batch.map((run) => wrap(experimentRun(run, syntheticTrace(run, steps), false)));
      for (const run of stream ? await stream.add(done) : done) analysed.push(run);
    }
    stage('analyse');
    const result: ExperimentResult = {
      config,
      device: { adapter: 'synthetic (no GPU)', fallback: false },
      timing: { seconds: 1, steps: 20, networkSteps: 20 * seeds, networkStepsPerSecond: 20 * seeds, kernels: [] },
      shard: null,
      aborted: false,
      runs: analysed,
    };
    const { paths, sweepPoints } = stream
      ? await stream.finish(result, { preset: null })
      : { paths: await writeResults(dir, result, { preset: null }, format), sweepPoints: undefined };
    stage('write');
    const overviewLines = resultOverview(result, sweepPoints).length;
    stage('overview');
    const back = await readResults(dir);
    if (back.result.runs.length !== seeds) throw new Error(`read back ${back.result.runs.length} runs of ${seeds}`);
    stage('read back');
    const size = async (path: string) => (await stat(path)).size;
    return {
      runs: seeds,
      batches: batches.length,
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
