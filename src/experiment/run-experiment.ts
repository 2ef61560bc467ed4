/**
 * runExperiment: a whole experiment on one device. The config's runs (sweep × seeds, optionally
 * one shard of them) are grouped into GPU batches of one shape (groupBatches), batches too large
 * for the device are split, and the batches train one after another; each run's records become
 * its ExperimentRun. A Simulator trains one batch; this is the loop around it that the CLI uses.
 */
import { expandRuns, groupBatches } from '../config/index.js';
import type { Config, Run } from '../config/types.js';
import { type Progress, Simulator, type SimulatorOptions } from '../engine/simulator.js';
import { DeviceLostError, GpuError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { checkNetworkFits, experimentRecordBytes, networksThatFit } from '../engine/footprint.js';
import { type MemoryLimits, memoryLimits } from '../gpu/host-memory.js';
import type { Matrix } from '../linalg/matrix.js';
import type { TaskData } from '../problem/types.js';
import { splitInto } from './batch-size.js';
import { batchExperimentRuns } from './experiment-run.js';
import { shardRuns } from './shard.js';
import type { ExperimentResult, ExperimentRun, Shard, Timing } from './types.js';

export interface ExperimentProgress extends Progress {
  /** 1-based index of the batch training now, and the number of batches. */
  batch: number;
  batches: number;
  /** Networks in this batch. */
  networks: number;
}

/** A measurement of one trained network from its final layers (W_1 … W_N; [W] for the flow). */
export type RunMeasure = (run: Run, layers: Matrix[], task: TaskData) => Record<string, number>;

export interface ExperimentOptions {
  /** Train only shard i of n (round-robin by run id, see shard.ts). */
  shard?: Shard;
  /**
   * The runs to train when the caller has expanded them already (expandRuns(config), then
   * shardRuns for a shard): at 10⁶ runs a second expansion would hold another ~270 MB.
   */
  runs?: Run[];
  /** Cancels the experiment: the batch in training stops and records its state, later batches are skipped. */
  signal?: AbortSignal;
  onProgress?: (progress: ExperimentProgress) => void;
  /** Called when a batch is about to be built (1-based index). */
  onBatchStart?: (batch: number, batches: number, runs: Run[]) => void;
  /** Reads every batch's final layers back and stores the measurement as each run's metrics. */
  measure?: RunMeasure;
  /** Caps the bytes of any one batch buffer below the device's limit (to leave memory for other work, or to test splitting). */
  maxBindingBytes?: number;
  simulator?: SimulatorOptions;
  /**
   * Receives each batch's runs as the batch finishes (also the part of a batch an interruption or
   * a lost device stopped), before the next batch trains; returns what the result keeps of them.
   * The CLI writes them to disk here and keeps them without their traces (results/result-stream.ts).
   */
  onBatchRuns?: (runs: ExperimentRun[]) => Promise<ExperimentRun[]>;
}

/**
 * The batches an experiment trains within `limits` (memoryLimits(device)), in order: one per
 * network shape and task, split where the binding limit or host memory needs it. Throws a
 * ConfigError naming the field when a run cannot fit even alone; nothing is allocated before.
 */
export function planBatches(runs: Run[], limits: MemoryLimits): Run[][] {
  const records = experimentRecordBytes(runs);
  // A network must fit the device's binding limit; batches are cut to the (smaller) batchBytes.
  const batchLimits = { ...limits, bindingBytes: limits.batchBytes ?? limits.bindingBytes };
  return groupBatches(runs).flatMap((batch) => {
    checkNetworkFits(batch[0]!, limits, records);
    return splitInto(batch, networksThatFit(batch[0]!.config, batchLimits, records));
  });
}

export async function runExperiment(
  gpu: GpuContext,
  config: Config,
  options: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const runs = options.runs ?? (options.shard ? shardRuns(expandRuns(config), options.shard) : expandRuns(config));
  const batches = planBatches(runs, memoryLimits(gpu.device, options.maxBindingBytes));
  const timing: Timing = { seconds: 0, steps: 0, networkSteps: 0, networkStepsPerSecond: 0, kernels: [] };
  const results: ExperimentRun[] = [];
  let aborted = false;
  let failure: DeviceLostError | GpuError | undefined;
  const keep = async (runs: ExperimentRun[]) => {
    // A loop, not push(...runs): a batch of 10⁶ runs would overflow the call stack as arguments.
    for (const run of options.onBatchRuns ? await options.onBatchRuns(runs) : runs) results.push(run);
  };

  for (const [i, batch] of batches.entries()) {
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    options.onBatchStart?.(i + 1, batches.length, batch);
    const sim = await Simulator.create(gpu, batch, options.simulator);
    if (!timing.kernels.includes(sim.program.kernelPath)) timing.kernels.push(sim.program.kernelPath);
    try {
      let outcome;
      try {
        outcome = await sim.run({
          signal: options.signal,
          onProgress:
            options.onProgress &&
            ((p) => options.onProgress!({ ...p, batch: i + 1, batches: batches.length, networks: batch.length })),
        });
      } catch (error) {
        if (!(error instanceof DeviceLostError || error instanceof GpuError)) throw error;
        // The device is gone: keep what this batch recorded before, train nothing more.
        await keep(batchExperimentRuns(batch, sim.trace, sim.diverged));
        failure = error;
        aborted = true;
        break;
      }
      let metrics: Record<string, number>[] = [];
      if (options.measure) {
        const layers = await sim.readLayers();
        metrics = batch.map((run, b) => options.measure!(run, layers[b]!, sim.tasks[b]!));
      }
      await keep(batchExperimentRuns(batch, sim.trace, outcome.diverged, metrics));
      timing.seconds += outcome.seconds;
      timing.steps += outcome.step;
      timing.networkSteps += outcome.step * batch.length;
      if (outcome.aborted) {
        aborted = true;
        break;
      }
    } finally {
      sim.destroy();
    }
  }
  timing.networkStepsPerSecond = timing.seconds > 0 ? timing.networkSteps / timing.seconds : 0;
  results.sort((a, b) => a.id - b.id);
  return {
    config,
    device: { adapter: gpu.adapter.name, fallback: gpu.adapter.isFallbackAdapter },
    timing,
    shard: options.shard ?? null,
    aborted,
    ...(failure ? { failure } : {}),
    runs: results,
  };
}
