/**
 * The task part of a step (SPEC §2), shared by every program: the kernels that turn the
 * end-to-end matrices E into the gradient G = ∇_W C(E), and the LossForm the loss kernel reads at
 * record steps. Elementwise tasks use residual.wgsl; regression and sensing are products.
 * A batch's networks share one task instance, or (elementwise tasks, problem/batch-tasks.ts) hold
 * one each: then target, mask and held-out weights are stacked network-major with a stride.
 */
import { BatchedMatmul } from '../kernels/matmul.js';
import { type LossForm, ResidualKernel, SumSquaresKernel } from '../kernels/residual.js';
import { invariant } from '../errors.js';
import { stackedData } from '../problem/batch-tasks.js';
import type { Matrix } from '../linalg/matrix.js';
import type { TaskData } from '../problem/types.js';
import type { Encodable } from './program.js';

/** Allocates a storage buffer the program owns (and destroys with itself). */
export type BufferFactory = (label: string, floats: number, data?: ArrayLike<number>) => GPUBuffer;

export interface TaskKernelSpec {
  batch: number;
  /** n_N and n_0: E and G are batch × rows × cols. */
  rows: number;
  cols: number;
  /** Network b's task, one per network (the same instance when shared). */
  tasks: readonly TaskData[];
  e: GPUBuffer;
  g: GPUBuffer;
  buffer: BufferFactory;
}

/** A per-network matrix in one buffer (problem/batch-tasks.ts stackedData): once when every network shares it (stride 0). */
function stackedBuffer(
  buffer: BufferFactory,
  label: string,
  tasks: readonly TaskData[],
  pick: (task: TaskData) => ArrayLike<number>,
): { data: GPUBuffer; stride: number } {
  const { data, stride } = stackedData(tasks, pick);
  return { data: buffer(label, data.length, data), stride };
}

export interface TaskKernels {
  /** Dispatches that write G from E, in order. */
  residual: Encodable[];
  lossForm: LossForm;
}

/** Dispatches the gradient of `kind` takes: one, or two for sensing (r, then G). */
export function taskDispatches(kind: TaskData['kind']): number {
  return kind === 'sensing' ? 2 : 1;
}

export function taskKernels(device: GPUDevice, spec: TaskKernelSpec): TaskKernels {
  const { batch, rows, cols, tasks, e, g, buffer } = spec;
  // Networks with tasks of their own (elementwise only, batch-tasks.ts) differ only in target, mask and |Ω|.
  const task = tasks[0]!;
  const s = task.lossScale;
  const count = rows * cols;
  switch (task.kind) {
    case 'factorization':
    case 'completion':
      return elementwiseKernels(device, spec);
    case 'regression': {
      const sxx = buffer('Σxx', cols * cols, task.sxx!.data);
      const d = buffer(
        's·Σyx',
        count,
        task.syx!.data.map((v) => s * v),
      );
      return {
        residual: [
          new BatchedMatmul(device, {
            batch,
            m: rows,
            n: cols,
            k: cols,
            a: e,
            b: sxx,
            bStride: 0,
            c: g,
            epilogue: { kind: 'subtract', d, dStride: 0, alpha: s },
            label: 'regression residual',
          }),
        ],
        lossForm: { kind: 'regression', x: g, e, d, count, offset: s * task.lossOffset! },
      };
    }
    case 'sensing': {
      const { a, y } = task.sensing!;
      const m = y.length;
      const aBuffer = buffer('A', m * count, a.data);
      const yBuffer = buffer('y', m, y);
      const r = buffer('r', batch * m);
      return {
        residual: [
          // r_b = A vec(E_b) − y: E_b as a 1 × n² row times Aᵀ.
          new BatchedMatmul(device, {
            batch,
            m: 1,
            n: m,
            k: count,
            transB: true,
            a: e,
            b: aBuffer,
            bStride: 0,
            c: r,
            epilogue: { kind: 'subtract', d: yBuffer, dStride: 0 },
            label: 'sensing r',
          }),
          // G_b = (s/m) Σ_i r_i A_i: r_b (1 × m) times A (m × n²).
          new BatchedMatmul(device, {
            batch,
            m: 1,
            n: count,
            k: m,
            a: r,
            b: aBuffer,
            bStride: 0,
            c: g,
            epilogue: { kind: 'store', alpha: s / m },
            label: 'sensing G',
          }),
        ],
        lossForm: { kind: 'squares', x: r, count: m, coef: s / (2 * m) },
      };
    }
  }
}

export interface HeldOutSpec {
  batch: number;
  rows: number;
  cols: number;
  tasks: readonly TaskData[];
  e: GPUBuffer;
  buffer: BufferFactory;
}

/** Writes every network's held-out error √(‖R‖²/denominator) (TaskData.heldOut) into `records` at `offset`. */
export type HeldOutRecorder = (records: GPUBuffer, offset: number) => Encodable[];

/**
 * The record-step kernels of the held-out error (SPEC §12), or null when the task has none:
 * for samples and measurements a product into a scratch residual (shared by every record slot),
 * then one sum of squares per slot.
 */
export function heldOutRecorder(device: GPUDevice, spec: HeldOutSpec): HeldOutRecorder | null {
  const { batch, rows, cols, e, buffer, tasks } = spec;
  const heldOut = tasks[0]!.heldOut;
  if (!heldOut) return null;
  const sum =
    (x: GPUBuffer, count: number, extra: { y?: GPUBuffer; w?: GPUBuffer } = {}) =>
    (records: GPUBuffer, offset: number) =>
      new SumSquaresKernel(device, {
        batch,
        count,
        x,
        ...extra,
        out: records,
        outOffset: offset,
        accumulate: false,
        scale: 1 / heldOut.denominator,
        root: true,
      });
  switch (heldOut.kind) {
    case 'entries': {
      // Each network's weights divided by its own denominator (tasks of their own differ in it), so
      // one sum with scale 1 gives √(‖w ∘ (E − Y)‖² / denominator) per network.
      const count = rows * cols;
      const entries = ({ heldOut: own }: TaskData) => {
        invariant(own?.kind === 'entries', () => 'the networks of a batch share one kind of held-out part');
        return own;
      };
      const y = stackedBuffer(buffer, 'held-out target', tasks, (task) => entries(task).target.data);
      const w = stackedBuffer(buffer, 'held-out weight ÷ denominator', tasks, (task) =>
        relativeWeights(entries(task).weight, entries(task).denominator, count),
      );
      return (records, offset) => [
        new SumSquaresKernel(device, {
          batch,
          count,
          x: e,
          y: y.data,
          w: w.data,
          stride: y.stride,
          out: records,
          outOffset: offset,
          accumulate: false,
          root: true,
        }),
      ];
    }
    case 'samples': {
      const m = heldOut.x.cols;
      const x = buffer('held-out X', cols * m, heldOut.x.data);
      const y = buffer('held-out Y X', rows * m, heldOut.y.data);
      const residual = buffer('held-out residual', batch * rows * m);
      const product = new BatchedMatmul(device, {
        batch,
        m: rows,
        n: m,
        k: cols,
        a: e,
        b: x,
        bStride: 0,
        c: residual,
        epilogue: { kind: 'subtract', d: y, dStride: 0 },
        label: 'held-out residual',
      });
      const kernel = sum(residual, rows * m);
      return (records, offset) => [product, kernel(records, offset)];
    }
    case 'measurements': {
      const m = heldOut.y.length;
      const a = buffer('held-out A', m * rows * cols, heldOut.a.data);
      const y = buffer('held-out y', m, heldOut.y);
      const residual = buffer('held-out r', batch * m);
      const product = new BatchedMatmul(device, {
        batch,
        m: 1,
        n: m,
        k: rows * cols,
        transB: true,
        a: e,
        b: a,
        bStride: 0,
        c: residual,
        epilogue: { kind: 'subtract', d: y, dStride: 0 },
        label: 'held-out r',
      });
      const kernel = sum(residual, m);
      return (records, offset) => [product, kernel(records, offset)];
    }
  }
}

/**
 * G = scale · M ∘ (E − Y) (residual.wgsl), loss coef · Σ G². Completion's scale s/|Ω| and coef
 * |Ω|/2s are per-network buffers, since a batch may mix observed fractions.
 */
function elementwiseKernels(device: GPUDevice, spec: TaskKernelSpec): TaskKernels {
  const { batch, rows, cols, tasks, e, g, buffer } = spec;
  const s = tasks[0]!.lossScale;
  const target = stackedBuffer(buffer, 'target', tasks, (t) => t.target.data);
  const completion = tasks[0]!.kind === 'completion';
  const mask = completion ? stackedBuffer(buffer, 'mask', tasks, (t) => t.mask!.data) : null;
  const scale = completion
    ? buffer(
        's/|Ω|',
        batch,
        perNetwork(tasks, (t) => s / t.observedCount!),
      )
    : s;
  const coef = completion
    ? buffer(
        '|Ω|/2s',
        batch,
        perNetwork(tasks, (t) => t.observedCount! / (2 * s)),
      )
    : 0.5 / s;
  const residual = new ResidualKernel(device, {
    batch,
    rows,
    cols,
    e,
    target: target.data,
    targetStride: target.stride,
    ...(mask && { mask: mask.data, maskStride: mask.stride }),
    scale,
    g,
  });
  return { residual: [residual], lossForm: { kind: 'squares', x: g, count: rows * cols, coef } };
}

/** One value per network. */
function perNetwork(tasks: readonly TaskData[], value: (task: TaskData) => number): Float32Array {
  return Float32Array.from(tasks, value);
}

/** w / denominator (w = 1 where the held-out part has no weights). */
function relativeWeights(weight: Matrix | undefined, denominator: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (weight ? weight.data[i]! : 1) / denominator;
  return out;
}
