/**
 * Measures one workload, the same way in Node and in the browser: the engine with spectra
 * recorded and without (their time difference is the cost of recording), then each baseline on
 * the same inputs, whose throughput is given relative to the engine's and whose losses must agree
 * with the engine's at the same step.
 */
import { Simulator } from '../src/engine/simulator.js';
import type { BatchProgram } from '../src/engine/program.js';
import type { SpectraMode, StepKernel } from '../src/config/types.js';
import { ConfigError } from '../src/errors.js';
import type { GpuContext } from '../src/gpu/device.js';
import type { Trace } from '../src/engine/trace.js';
import { ReferenceTrainer } from '../src/reference/layers.js';
import { type Measured, type Plan, runSequential } from './budget.js';
import { Float32Trainer } from './cpu-f32.js';
import { runTfjs, type Tf } from './tfjs-runner.js';
import { type Workload, type WorkloadInputs, workloadConfig, workloadInputs } from './workloads.js';

/**
 * The f32 runs (engine, CPU loop, TF.js) differ from each other and from Float64 by rounding only:
 * on these workloads the mean losses agree to 1e-7–1e-5 relative (worst seen: 3e-6, Float64 vs
 * engine after 2000 ensemble steps at loss 1e-3). 1e-3 leaves room for other adapters' summation
 * orders while catching any algorithmic slip (a wrong sign, order or scale shows at 1e-1 or more).
 */
export const LOSS_TOLERANCE = 1e-3;

export const BASELINES = ['reference', 'float32', 'tfjs', 'numpy'] as const;
export type BaselineName = (typeof BASELINES)[number];

export const BASELINE_LABELS: Record<BaselineName, string> = {
  reference: 'Float64 CPU reference',
  float32: 'Float32Array CPU loop',
  tfjs: 'TensorFlow.js webgpu',
  numpy: 'NumPy float32, batched matmul',
};

export interface EngineRun {
  spectra: SpectraMode;
  /** The step path the engine ran (BatchProgram.kernelPath). */
  kernel: BatchProgram['kernelPath'];
  seconds: number;
  networkStepsPerSecond: number;
  gflops: number;
}

export interface BaselineResult {
  name: BaselineName;
  networks: number;
  steps: number;
  seconds: number;
  /** True when it trained fewer network-steps than the workload (time budget) and was scaled up. */
  extrapolated: boolean;
  networkStepsPerSecond: number;
  gflops: number;
  /** Engine throughput (spectra on) divided by this one. */
  engineSpeedup: number;
  /** Its mean loss over its networks at its last step, and the engine's for the same networks and step. */
  meanLoss: number;
  engineMeanLoss: number;
  relativeDifference: number;
  agrees: boolean;
}

export interface WorkloadResult {
  workload: Workload;
  steps: number;
  /** n×n×n products per network per step (2n³ flops each). */
  productsPerStep: number;
  flopsPerNetworkStep: number;
  /** The standard run (spectra on the GPU) and the same without spectra. */
  engine: EngineRun;
  engineNoSpectra: EngineRun;
  /** (t_spectra − t_none) / t_spectra. */
  recordingShare: number;
  /** (t_spectra − t_none) per record step: what one batched SVD of the end-to-end matrices costs. */
  recordMilliseconds: number;
  /** Mean loss over all networks at the last step. */
  finalMeanLoss: number;
  baselines: BaselineResult[];
}

export interface MeasureOptions {
  quick: boolean;
  /** Seconds each baseline may train before its throughput is extrapolated. */
  budgetSeconds: number;
  baselines: readonly BaselineName[];
  /** Engine runs per spectra mode; the fastest counts. */
  repeat: number;
  /** Needed when baselines include 'tfjs'. */
  tf?: Tf;
  /** Needed when baselines include 'numpy': Node's bench/numpy-runner.ts (a Python child process, which a page cannot start). */
  numpy?: NumpyRunner;
  log?: (line: string) => void;
}

export async function measureWorkload(
  gpu: GpuContext,
  workload: Workload,
  options: MeasureOptions,
): Promise<WorkloadResult> {
  const log = options.log ?? (() => undefined);
  const steps = options.quick ? workload.quickSteps : workload.steps;
  const n = workload.width;

  // Alternating the two runs and keeping each one's fastest makes their difference (the cost of
  // spectra) robust against other processes competing for the CPUs SwiftShader runs on.
  let none: EngineMeasurement | undefined;
  let spectra: EngineMeasurement | undefined;
  for (let r = 1; r <= options.repeat; r++) {
    log(`${workload.name}: engine, spectra none (${r}/${options.repeat})`);
    none = fastest(none, await runEngine(gpu, workload, steps, 'none'));
    log(`${workload.name}: engine, spectra gpu (${r}/${options.repeat})`);
    spectra = fastest(spectra, await runEngine(gpu, workload, steps, 'gpu'));
  }
  if (!none || !spectra) throw new RangeError(`repeat must be at least 1, got ${options.repeat}`);
  const flopsPerNetworkStep = spectra.flopsPerStep / workload.batch;
  const engine = engineRun(workload, steps, spectra);
  const engineLoss = (step: number, networks: number) => {
    const record = spectra.trace.records.find((r) => r.step === step);
    if (!record) throw new Error(`${workload.name}: the engine recorded no step ${step}`);
    return mean(Array.from(record.losses.subarray(0, networks)));
  };

  const inputs = workloadInputs(workloadConfig(workload, steps, 'none'));
  const plan: Plan = { steps, every: workload.every, budgetSeconds: options.budgetSeconds };
  const baselines: BaselineResult[] = [];
  for (const name of options.baselines) {
    log(`${workload.name}: ${BASELINE_LABELS[name]}`);
    const measured = await runBaseline(name, inputs, plan, options);
    const networkStepsPerSecond = (measured.networks * measured.steps) / measured.seconds;
    const meanLoss = mean(measured.losses);
    const engineMeanLoss = engineLoss(measured.steps, measured.networks);
    const relativeDifference = Math.abs(meanLoss - engineMeanLoss) / Math.abs(engineMeanLoss);
    baselines.push({
      name,
      networks: measured.networks,
      steps: measured.steps,
      seconds: measured.seconds,
      extrapolated: measured.networks * measured.steps < workload.batch * steps,
      networkStepsPerSecond,
      gflops: (networkStepsPerSecond * flopsPerNetworkStep) / 1e9,
      engineSpeedup: engine.networkStepsPerSecond / networkStepsPerSecond,
      meanLoss,
      engineMeanLoss,
      relativeDifference,
      agrees: relativeDifference <= LOSS_TOLERANCE,
    });
  }

  return {
    workload,
    steps,
    productsPerStep: flopsPerNetworkStep / (2 * n ** 3),
    flopsPerNetworkStep,
    engine,
    engineNoSpectra: engineRun(workload, steps, none),
    recordingShare: (spectra.seconds - none.seconds) / spectra.seconds,
    recordMilliseconds: (1000 * (spectra.seconds - none.seconds)) / spectra.trace.records.length,
    finalMeanLoss: engineLoss(steps, workload.batch),
    baselines,
  };
}

/** The fused and the layered step kernel on one workload (train.kernel forced, spectra none). */
export type KernelComparison =
  | {
      fused: EngineRun;
      layered: EngineRun;
      /** Fused throughput ÷ layered throughput. */
      ratio: number;
      /** The largest |fused − layered| / layered over every network's loss at every record step. */
      relativeDifference: number;
      agrees: boolean;
    }
  /** The engine refused "fused" for this workload (its shapes, record.linearized): its message. */
  | { skipped: string };

/**
 * Times the workload's step on both kernels and compares their losses. Both are f32 runs of the
 * same arithmetic in different summation orders, so LOSS_TOLERANCE holds them as it holds the
 * baselines (test/unit/fused.gpu.test.ts holds them to 1e-3 relative over 1000 steps).
 */
export async function compareKernels(
  gpu: GpuContext,
  workload: Workload,
  steps: number,
  repeat: number,
  log: (line: string) => void = () => undefined,
): Promise<KernelComparison> {
  let fused: EngineMeasurement | undefined;
  let layered: EngineMeasurement | undefined;
  for (let r = 1; r <= repeat; r++) {
    log(`${workload.name}: engine, fused step (${r}/${repeat})`);
    try {
      fused = fastest(fused, await runEngine(gpu, workload, steps, 'none', 'fused'));
    } catch (error) {
      // Refused while building the program, before any step: the engine says why.
      if (error instanceof ConfigError && error.field === 'train.kernel') return { skipped: error.message };
      throw error;
    }
    log(`${workload.name}: engine, layered step (${r}/${repeat})`);
    layered = fastest(layered, await runEngine(gpu, workload, steps, 'none', 'layered'));
  }
  if (!fused || !layered) throw new RangeError(`repeat must be at least 1, got ${repeat}`);
  const layeredRecords = layered.trace.records;
  let relativeDifference = 0;
  fused.trace.records.forEach((record, i) =>
    record.losses.forEach((loss, b) => {
      const reference = layeredRecords[i]!.losses[b]!;
      // Math.max keeps a NaN (a network diverged on one path only), which then fails `agrees`.
      relativeDifference = Math.max(relativeDifference, Math.abs(loss - reference) / Math.abs(reference));
    }),
  );
  const fusedRun = engineRun(workload, steps, fused);
  const layeredRun = engineRun(workload, steps, layered);
  return {
    fused: fusedRun,
    layered: layeredRun,
    ratio: fusedRun.networkStepsPerSecond / layeredRun.networkStepsPerSecond,
    relativeDifference,
    agrees: relativeDifference <= LOSS_TOLERANCE,
  };
}

interface EngineMeasurement {
  spectra: SpectraMode;
  kernel: BatchProgram['kernelPath'];
  seconds: number;
  flopsPerStep: number;
  trace: Trace;
}

const fastest = (a: EngineMeasurement | undefined, b: EngineMeasurement) => (a && a.seconds <= b.seconds ? a : b);

function engineRun(workload: Workload, steps: number, run: EngineMeasurement): EngineRun {
  return {
    spectra: run.spectra,
    kernel: run.kernel,
    seconds: run.seconds,
    networkStepsPerSecond: (steps * workload.batch) / run.seconds,
    gflops: (steps * run.flopsPerStep) / run.seconds / 1e9,
  };
}

async function runEngine(
  gpu: GpuContext,
  workload: Workload,
  steps: number,
  spectra: SpectraMode,
  kernel: StepKernel = 'auto',
): Promise<EngineMeasurement> {
  const sim = await Simulator.create(gpu, workloadConfig(workload, steps, spectra, kernel));
  try {
    const result = await sim.run();
    return {
      spectra,
      kernel: sim.program.kernelPath,
      seconds: result.seconds,
      flopsPerStep: sim.program.flopsPerStep,
      trace: sim.trace,
    };
  } finally {
    sim.destroy();
  }
}

export type NumpyRunner = (inputs: WorkloadInputs, plan: Plan) => Promise<Measured>;

function runBaseline(
  name: BaselineName,
  inputs: WorkloadInputs,
  plan: Plan,
  { tf, numpy }: MeasureOptions,
): Promise<Measured> {
  const { widths, task, layers, lr, weightDecay } = inputs;
  switch (name) {
    case 'reference':
      return runSequential(
        layers.length,
        plan,
        (b) => new ReferenceTrainer(task, layers[b]!, { lr: lr[b]!, weightDecay: weightDecay[b]! }),
      );
    case 'float32':
      return runSequential(
        layers.length,
        plan,
        (b) => new Float32Trainer(widths, task.target, layers[b]!, lr[b]!, weightDecay[b]!, task.lossScale),
      );
    case 'tfjs':
      if (!tf) throw new Error('the tfjs baseline needs TensorFlow.js loaded (loadTfjs)');
      return runTfjs(tf, inputs, plan);
    case 'numpy':
      if (!numpy) throw new Error('the numpy baseline needs a runner (bench/numpy-runner.ts, Node only)');
      return numpy(inputs, plan);
  }
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
