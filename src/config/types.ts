/**
 * The experiment config, as users write it (JSON or a typed object). Field meanings and defaults
 * are documented in docs/config.md; validation lives in validate.ts, defaults in resolve.ts, sweeps in sweep.ts. Math follows SPEC.md.
 */

export type TaskKind = 'factorization' | 'completion' | 'regression' | 'sensing';

/** Target Y = U diag(singularValues) Vᵀ with Haar-random U, V drawn from `seed`. */
export interface RandomTarget {
  rows: number;
  cols: number;
  singularValues: number[];
  seed?: number;
}
/** Diagonal target (U = V = I): singular value i sits at entry (i, i). */
export interface AlignedTarget {
  rows: number;
  cols: number;
  singularValues: number[];
  aligned: true;
}
/** An explicit target matrix, rows × cols. */
export interface MatrixTarget {
  matrix: number[][];
}
export type TargetSpec = RandomTarget | AlignedTarget | MatrixTarget;

export interface TaskConfig {
  kind: TaskKind;
  target: TargetSpec;
  /** completion: fraction of entries observed by a random mask (drawn from `seed`). */
  observed?: number;
  /** completion: an explicit 0/1 mask (rows × cols); excludes `observed`. */
  mask?: number[][];
  /** regression: number of samples m, inputs x ~ N(0, I). */
  samples?: number;
  /** regression: std of Gaussian noise added to Y x; factorization: std of the noise added to every entry of Y (Y = Y_clean + noise·E). */
  noise?: number;
  /** regression, sensing: held-out samples (measurements) for run.testError, from their own stream; default: as many as the training ones. */
  testSamples?: number;
  /** sensing: number of Gaussian measurement matrices A_i (entries N(0, 1)). */
  measurements?: number;
  /** seed of the mask, data or measurements. */
  seed?: number;
}

export type NetworkConfig = { depth: number; width: number } | { widths: number[] };

export type InitKind = 'gaussian' | 'orthogonal' | 'balanced';
export interface InitConfig {
  kind: InitKind;
  /** gaussian: entry std (excludes `gain`). */
  std?: number;
  /** gaussian: std = gain / sqrt(fan-in). */
  gain?: number;
  /** gaussian: variance w^−gamma with w the hidden width (Jacot et al. v2; excludes `std` and `gain`). */
  gamma?: number;
  /** orthogonal: multiplier of the Haar-orthogonal layers; balanced: scale of W(0). */
  scale?: number;
  /** balanced: W(0) = scale · target's singular frame (σ_i(0) = scale), else random W(0). */
  aligned?: boolean;
  seed?: number;
}

export type FlowDepth = number | 'infinity';
export interface TrainConfig {
  lr: number;
  steps: number;
  weightDecay?: number;
  /** 'layers': layerwise gradient descent (SPEC §3); 'flow': end-to-end Riemannian flow (SPEC §6). */
  method?: 'layers' | 'flow';
  flowDepth?: FlowDepth;
  /** flow: singular values below flowThreshold · σ_max count as 0 in the operator's multipliers (SPEC §6). */
  flowThreshold?: number;
  integrator?: 'euler' | 'rk4';
  /** A network is diverged when its loss is NaN/Inf or exceeds divergenceFactor × max(initial loss, 1). */
  divergenceFactor?: number;
  /**
   * train.method "layers": "fused" runs K whole steps per dispatch, one workgroup per network with
   * its matrices in workgroup memory (engine/fused-program.ts); "layered" one dispatch per product;
   * "auto" (default) fused on hardware adapters when the shapes fit its workgroup memory.
   */
  kernel?: StepKernel;
}

export type StepKernel = 'auto' | 'fused' | 'layered';
export type SpectraMode = 'gpu' | 'exact' | 'none';
/** The GPU kernel of recorded spectra: Golub–Kahan bisection (default) or one-sided Jacobi. */
export type SvdAlgorithm = 'bisection' | 'jacobi';
export interface RecordConfig {
  every: number;
  spectra?: SpectraMode;
  /** the kernel of spectra computed on the GPU ("gpu" spectra, record.layers) */
  svd?: SvdAlgorithm;
  /** also record every layer's singular values */
  layers?: boolean;
  /** also record the end-to-end matrices */
  matrices?: boolean;
  /** numerical rank tolerance relative to σ_1 (SPEC §9) */
  rankTolerance?: number;
  /** also train the frozen-NTK linear model alongside each network and record lazyDeviation (docs/analysis.md) */
  linearized?: boolean;
}

export interface LossConfig {
  /** Multiplies C and G (SPEC §2): 1 = the ½‖·‖² convention, 2 = a sum-MSE without ½. */
  scale?: number;
}

/** Dotted config path → list of values; the sweep is their Cartesian product. */
export type Sweep = Record<string, unknown[]>;

export interface Config {
  name?: string;
  task: TaskConfig;
  network: NetworkConfig;
  init: InitConfig;
  train: TrainConfig;
  record: RecordConfig;
  loss?: LossConfig;
  /** Replicate every sweep point with init seeds init.seed, init.seed+1, …, +seeds−1. */
  seeds?: number;
  sweep?: Sweep;
}

/** A config with every default filled in and no sweep: what one network trains with. */
export interface ResolvedConfig {
  name: string;
  task: Required<Pick<TaskConfig, 'kind' | 'target' | 'seed'>> & Omit<TaskConfig, 'kind' | 'target' | 'seed'>;
  /** n_0 … n_N (input width first); depth N = widths.length − 1. */
  widths: number[];
  init: InitConfig & { seed: number };
  train: Required<Omit<TrainConfig, 'flowDepth'>> & { flowDepth: FlowDepth };
  record: Required<RecordConfig>;
  loss: Required<LossConfig>;
}

/** One network of an experiment: its resolved config and the sweep values that made it. */
export interface Run {
  id: number;
  overrides: Record<string, unknown>;
  config: ResolvedConfig;
}
