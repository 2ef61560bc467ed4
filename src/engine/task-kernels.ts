/**
 * The task part of a step (SPEC §2), shared by every program: the kernels that turn the
 * end-to-end matrices E into the gradient G = ∇_W C(E), and the LossForm the loss kernel reads at
 * record steps. Elementwise tasks use residual.wgsl; regression and sensing are products.
 */
import { BatchedMatmul } from '../kernels/matmul.js';
import { type LossForm, ResidualKernel, SumSquaresKernel } from '../kernels/residual.js';
import type { TaskData } from '../problem/types.js';
import type { Encodable } from './program.js';

/** Allocates a storage buffer the program owns (and destroys with itself). */
export type BufferFactory = (label: string, floats: number, data?: ArrayLike<number>) => GPUBuffer;

export interface TaskKernelSpec {
  batch: number;
  /** n_N and n_0: E and G are batch × rows × cols. */
  rows: number;
  cols: number;
  task: TaskData;
  e: GPUBuffer;
  g: GPUBuffer;
  buffer: BufferFactory;
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
  const { batch, rows, cols, task, e, g, buffer } = spec;
  const s = task.lossScale;
  const count = rows * cols;
  const target = buffer('target', count, task.target.data);
  switch (task.kind) {
    case 'factorization':
      return {
        residual: [new ResidualKernel(device, { batch, rows, cols, e, target, scale: s, g })],
        lossForm: { kind: 'squares', x: g, count, coef: 0.5 / s },
      };
    case 'completion': {
      const omega = task.observedCount!;
      const mask = buffer('mask', count, task.mask!.data);
      return {
        residual: [new ResidualKernel(device, { batch, rows, cols, e, target, mask, scale: s / omega, g })],
        lossForm: { kind: 'squares', x: g, count, coef: omega / (2 * s) },
      };
    }
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
  task: TaskData;
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
  const { batch, rows, cols, e, buffer } = spec;
  const heldOut = spec.task.heldOut;
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
      const y = buffer('held-out target', rows * cols, heldOut.target.data);
      const w = heldOut.weight && buffer('held-out weight', rows * cols, heldOut.weight.data);
      const kernel = sum(e, rows * cols, { y, ...(w && { w }) });
      return (records, offset) => [kernel(records, offset)];
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
