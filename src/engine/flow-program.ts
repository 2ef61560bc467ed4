/**
 * The GPU side of one batch trained by the depth-normalised end-to-end flow (SPEC §6,
 * docs/flow.md): the state is W itself, and a step integrates
 *
 *   dW/dt = −(1/N) A_N(W)[G] − λ_b W      (N = ∞: K^∞),   G = ∇_W C(W),
 *
 * with step η_b (explicit Euler, or RK4 with four velocity evaluations), per network.
 *
 * One velocity evaluation at a point E (W for Euler, the RK4 stage point otherwise):
 *   G             task kernels (residual.wgsl / matmul.wgsl), as for layer training with E = W
 *   σ, U, V       thin SVD of E (svd.wgsl)
 *   X = G V, Rt[r:] = Uᵀ G, M = Uᵀ X                     three products
 *   H = K̃ ∘ M, −(XD)ᵀ, Lt[r:] = (UD)ᵀ, Rt[:r] = Vᵀ       flow.wgsl `assemble`
 *   Lt[:r] = Hᵀ Uᵀ + (XD)ᵀ                               one product
 *   P = Ltᵀ Rt = (1/N) A_N(E)[G]                         one product; for Euler its epilogue is the
 *                                                        update W ← (1 − η_bλ_b) W − η_b P
 * Depth 1 has A_1 = identity: P = G, and no SVD.
 */
import type { FlowDepth, ResolvedConfig, SvdAlgorithm } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { logVolumeDensity } from '../flow/volume.js';
import { storageBuffer } from '../gpu/buffers.js';
import type { Matrix } from '../linalg/matrix.js';
import { FlowOperatorKernel, Rk4StageKernel } from '../kernels/flow.js';
import { BatchedMatmul } from '../kernels/matmul.js';
import { LossKernel, type LossForm } from '../kernels/residual.js';
import { BatchedSvd } from '../kernels/svd.js';
import type { TaskData } from '../problem/types.js';
import {
  type BatchProgram,
  type Encodable,
  encodePhases,
  type Phase,
  StepPhases,
  type StateMatrix,
} from './program.js';
import { NET_FLOATS, type NetworkHyper, netsData } from './nets.js';
import type { BatchRecord, RecordLayout } from './records.js';
import { spectraKernel } from './spectra-kernel.js';
import {
  type BufferFactory,
  type HeldOutRecorder,
  heldOutRecorder,
  taskDispatches,
  taskKernels,
} from './task-kernels.js';

export type FlowIntegrator = ResolvedConfig['train']['integrator'];

export interface FlowBatchSpec {
  /** Network b's task (the same instance when the batch shares one; problem/batch-tasks.ts). */
  tasks: readonly TaskData[];
  /** W(0) of every network (n_N × n_0), the product of its initial layers. */
  initial: Matrix[];
  hyper: NetworkHyper[];
  /** `nets` words saved by a snapshot (resuming); else fresh from `hyper`. */
  savedNets?: Float32Array;
  depth: FlowDepth;
  integrator: FlowIntegrator;
  divergenceFactor: number;
  layout: RecordLayout;
  /** The kernel of recorded spectra (record.svd). */
  svd: SvdAlgorithm;
  /** Record slots per records buffer. */
  slots: number;
  /** σ < tolerance·σ_max counts as 0 (train.flowThreshold). */
  tolerance: number;
}

/** Dispatches of one velocity evaluation up to the drift product (which is counted by the caller). */
function evaluationDispatches(kind: TaskData['kind'], depth: FlowDepth): number {
  // task gradient; then SVD, three products, assemble, one product.
  return taskDispatches(kind) + (depth === 1 ? 0 : 6);
}

/** Dispatches one step encodes: Euler = one evaluation + the fused update; RK4 = 4 × (evaluation + drift product + stage). */
export function flowDispatchesPerStep(kind: TaskData['kind'], depth: FlowDepth, integrator: FlowIntegrator): number {
  const driftProduct = integrator === 'euler' || depth !== 1 ? 1 : 0;
  return integrator === 'euler'
    ? evaluationDispatches(kind, depth) + driftProduct
    : 4 * (evaluationDispatches(kind, depth) + driftProduct + 1);
}

export class FlowProgram implements BatchProgram {
  readonly kernelPath = 'flow' as const;
  readonly batch: number;
  readonly records: GPUBuffer;
  readonly nets: GPUBuffer;
  readonly state: StateMatrix[];
  readonly flopsPerStep: number;
  readonly dispatchesPerStep: number;
  private readonly step: Encodable[];
  /** The task kernels at W (the evaluation input at step boundaries), for records. */
  private readonly gradientAtW: Encodable[];
  private readonly recorders: Encodable[][];
  private readonly stepPhases: StepPhases;
  private readonly owned: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    spec: FlowBatchSpec,
  ) {
    const { tasks, depth, integrator } = spec;
    const batch = (this.batch = spec.initial.length);
    const rows = tasks[0]!.target.rows;
    const cols = tasks[0]!.target.cols;
    const buffer = (label: string, floats: number, data?: ArrayLike<number>) => {
      const b = storageBuffer(device, label, floats, data);
      this.owned.push(b);
      return b;
    };
    const matrices = (list: Matrix[]) => {
      const data = new Float32Array(batch * rows * cols);
      list.forEach((m, b) => data.set(m.data, b * rows * cols));
      return data;
    };

    const w = buffer('W', batch * rows * cols, matrices(spec.initial));
    this.state = [{ buffer: w, rows, cols }];
    const nets = (this.nets = buffer('nets', batch * NET_FLOATS, netsData(spec.hyper, spec.savedNets)));
    // RK4 evaluates at the stage point, which the last stage keeps equal to W between steps.
    const point = integrator === 'rk4' ? buffer('E (stage point)', batch * rows * cols, matrices(spec.initial)) : w;
    const g = buffer('G', batch * rows * cols);
    const { residual, lossForm } = taskKernels(device, { batch, rows, cols, tasks, e: point, g, buffer });
    this.gradientAtW = residual;

    const operator =
      depth === 1
        ? identityOperator(g, cols)
        : operatorKernels(device, { batch, rows, cols, depth, tolerance: spec.tolerance, point, g, buffer });
    const evaluation: Encodable[] = [...residual, ...operator.kernels];
    const products = evaluation.filter((k): k is BatchedMatmul => k instanceof BatchedMatmul);
    const { drift } = operator;
    const driftProduct = (c: GPUBuffer, epilogue: 'layer-update' | 'store') =>
      new BatchedMatmul(device, {
        batch,
        m: rows,
        n: cols,
        k: drift.k,
        transA: drift.transA,
        bIdentity: drift.bIdentity,
        a: drift.a,
        b: drift.b,
        c,
        epilogue: epilogue === 'layer-update' ? { kind: 'layer-update', nets } : { kind: 'store' },
        label: 'P = (1/N) A_N(E)[G]',
      });

    if (integrator === 'euler') {
      // W ← (1 − ηλ) W − η P, skipped for frozen networks: the Euler step is the update epilogue.
      const update = driftProduct(w, 'layer-update');
      this.step = [...evaluation, update];
      products.push(update);
      this.flopsPerStep = sumFlops(products);
    } else {
      const p = depth === 1 ? g : buffer('P', batch * rows * cols);
      const slope = buffer('k₁ + 2k₂ + 2k₃', batch * rows * cols);
      const tail = depth === 1 ? [] : [driftProduct(p, 'store')];
      this.step = [1, 2, 3, 4].flatMap((stage) => [
        ...evaluation,
        ...tail,
        new Rk4StageKernel(device, { batch, rows, cols, stage, w, stagePoint: point, drift: p, slope, nets }),
      ]);
      this.flopsPerStep = 4 * sumFlops([...products, ...tail]);
    }
    this.dispatchesPerStep = this.step.length;

    this.records = buffer('records', spec.slots * spec.layout.slotFloats);
    const heldOut = heldOutRecorder(device, { batch, rows, cols, tasks, e: w, buffer });
    this.recorders = Array.from({ length: spec.slots }, (_, slot) =>
      this.slotRecorders(spec, slot, lossForm, nets, w, heldOut),
    );
    // A record reads W and the loss inputs the step's first task kernels computed at W.
    const atW = this.step.slice(0, this.gradientAtW.length);
    const rest = this.step.slice(this.gradientAtW.length);
    const named = (recorders: Encodable[] | null): Phase[] => [
      { name: 'task residual at W', kernels: atW },
      ...(recorders ? [{ name: 'record', kernels: recorders }] : []),
      { name: depth === 1 ? 'update' : 'flow operator and update (SVD, products)', kernels: rest },
    ];
    this.stepPhases = new StepPhases(named, this.recorders);
  }

  /** One step; with `slot`, records W(t) first (the first task kernels already computed G(W)). */
  encodeStep(pass: GPUComputePassEncoder, slot?: number): void {
    encodePhases(pass, this.phases(slot));
  }

  phases(slot?: number): readonly Phase[] {
    return this.stepPhases.at(slot);
  }

  encodeRecordOnly(pass: GPUComputePassEncoder, slot: number): void {
    for (const k of this.gradientAtW) k.encode(pass);
    for (const k of this.recorders[slot]!) k.encode(pass);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
  }

  private slotRecorders(
    spec: FlowBatchSpec,
    slot: number,
    lossForm: LossForm,
    nets: GPUBuffer,
    w: GPUBuffer,
    heldOut: HeldOutRecorder | null,
  ): Encodable[] {
    const { layout } = spec;
    const { rows, cols } = this.state[0]!;
    const device = this.device;
    const batch = this.batch;
    const base = slot * layout.slotFloats;
    const recorders: Encodable[] = [
      new LossKernel(device, {
        batch,
        form: lossForm,
        nets,
        divergenceFactor: spec.divergenceFactor,
        records: this.records,
        recordOffset: base + layout.lossOffset,
      }),
    ];
    if (layout.rank > 0) {
      recorders.push(
        spectraKernel(device, spec.svd, {
          batch,
          rows,
          cols,
          input: w,
          values: this.records,
          valuesOffset: base + layout.svOffset,
          label: 'flow spectra',
        }),
      );
    }
    if (layout.matrixFloats > 0) {
      recorders.push(
        new BatchedMatmul(device, {
          batch,
          m: rows,
          n: cols,
          k: cols,
          bIdentity: true,
          a: w,
          c: this.records,
          cOffset: base + layout.matrixOffset,
          label: 'record matrices',
        }),
      );
    }
    if (heldOut && layout.heldOutOffset >= 0) recorders.push(...heldOut(this.records, base + layout.heldOutOffset));
    return recorders;
  }
}

/** The drift P = op(a)·op(b) (k the inner dimension), the last product of an evaluation. */
interface DriftFactors {
  a: GPUBuffer;
  transA: boolean;
  b?: GPUBuffer;
  k: number;
  bIdentity: boolean;
}

interface OperatorKernels {
  /** Dispatches after the task gradient and before the drift product. */
  kernels: Encodable[];
  drift: DriftFactors;
}

/** Depth 1: A_1 is the identity, so the drift is G itself (G·I) and nothing runs before it. */
function identityOperator(g: GPUBuffer, cols: number): OperatorKernels {
  return { kernels: [], drift: { a: g, transA: false, k: cols, bIdentity: true } };
}

interface OperatorSpec {
  batch: number;
  rows: number;
  cols: number;
  depth: FlowDepth;
  tolerance: number;
  /** The evaluation point E and the task gradient G(E). */
  point: GPUBuffer;
  g: GPUBuffer;
  buffer: BufferFactory;
}

/**
 * N ≥ 2 (and ∞): the thin SVD of E, then (1/N) A_N(E)[G] = Ltᵀ Rt with the stacked factors
 * Lt = [(U H + X D)ᵀ ; (U D)ᵀ], Rt = [Vᵀ ; Uᵀ G] of docs/flow.md ("The operator from thin SVD factors").
 */
function operatorKernels(device: GPUDevice, spec: OperatorSpec): OperatorKernels {
  const { batch, rows, cols, depth, tolerance, point, g, buffer } = spec;
  const r = Math.min(rows, cols);
  const sigma = buffer('σ', batch * r);
  const u = buffer('U', batch * rows * r);
  const v = buffer('V', batch * cols * r);
  const x = buffer('X = G V', batch * rows * r);
  const inner = buffer('M = Uᵀ X, then H', batch * r * r);
  const minusXdT = buffer('−(X D)ᵀ', batch * r * rows);
  const lt = buffer('Lt', batch * 2 * r * rows);
  const rt = buffer('Rt', batch * 2 * r * cols);
  const kernels = [
    new BatchedSvd(device, { batch, rows, cols, input: point, values: sigma, vectors: { u, v }, label: 'flow SVD' }),
    new BatchedMatmul(device, { batch, m: rows, n: r, k: cols, a: g, b: v, c: x, label: 'X = G V' }),
    new BatchedMatmul(device, {
      batch,
      m: r,
      n: cols,
      k: rows,
      transA: true,
      a: u,
      b: g,
      c: rt,
      cStride: 2 * r * cols,
      cOffset: r * cols,
      label: 'Rt[r:] = Uᵀ G',
    }),
    new BatchedMatmul(device, { batch, m: r, n: r, k: rows, transA: true, a: u, b: x, c: inner, label: 'M = Uᵀ X' }),
    new FlowOperatorKernel(device, { batch, rows, cols, depth, tolerance, sigma, u, v, x, inner, minusXdT, lt, rt }),
    new BatchedMatmul(device, {
      batch,
      m: r,
      n: rows,
      k: r,
      transA: true,
      transB: true,
      a: inner,
      b: u,
      c: lt,
      cStride: 2 * r * rows,
      epilogue: { kind: 'subtract', d: minusXdT, dStride: r * rows },
      label: 'Lt[:r] = Hᵀ Uᵀ + (X D)ᵀ',
    }),
  ];
  return { kernels, drift: { a: lt, transA: true, b: rt, k: 2 * r, bIdentity: false } };
}

function sumFlops(products: BatchedMatmul[]): number {
  return products.reduce((sum, k) => sum + k.flops, 0);
}

/**
 * The log-volume density of SPEC §8 (logVolumeDensity, CMV Theorem 1.1) of every network's
 * recorded W, from the record's singular values: depth N or ∞ as the flow's train.flowDepth (for
 * a layer run from a balanced start, its depth N). Defined for square W with distinct nonzero
 * singular values; −Infinity where two coincide, NaN where one is 0 (N ≥ 2). f32 singular values
 * carry ~1e-6·σ₁ absolute error, so σ_i ≈ σ_j or tiny σ give a correspondingly rough value.
 */
export function flowLogVolume(record: BatchRecord, depth: FlowDepth): Float64Array {
  const { singularValues, rank } = record;
  if (!singularValues)
    throw new ConfigError(
      'record.spectra',
      'none',
      'the log-volume needs recorded singular values; set record.spectra to "gpu" or "exact"',
    );
  return Float64Array.from(record.losses, (_, b) =>
    logVolumeDensity(singularValues.subarray(b * rank, (b + 1) * rank), depth),
  );
}
