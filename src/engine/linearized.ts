/**
 * record.linearized: the frozen-NTK linear model trained alongside each network of a layer batch
 * (docs/analysis.md, "Lazy deviation"). Linearising A = W_N⋯W_1 at the initial layers gives the
 * gradient descent
 *
 *     A_lin ← A_lin − η Θ₀[∇C(A_lin)],   Θ₀[Z] = Σ_k L_k Z R_k,
 *     L_k = P_{>k} P_{>k}ᵀ (n_N × n_N),   R_k = P_{<k}ᵀ P_{<k} (n_0 × n_0),
 *
 * with P_{>k} = W_N⋯W_{k+1}, P_{<k} = W_{k−1}⋯W_1 of the initial layers (SPEC §4), so L_N = I and
 * R_1 = I. The 2N Gram factors are computed once on the host in Float64 and uploaded; a step is
 * the task residual of A_lin and, per k, the product L_k G and the update by (L_k G) R_k, all on
 * the batched matmul and residual kernels. A record writes E − A_lin (and E − A(0) on completion)
 * into the record slot; the host takes their norms in Float64 (Simulator.deliver).
 */
import { type Matrix, sub } from '../linalg/matrix.js';
import { BatchedMatmul } from '../kernels/matmul.js';
import { invariant } from '../errors.js';
import { sharedTask } from '../problem/batch-tasks.js';
import type { TaskData } from '../problem/types.js';
import { endToEnd } from '../reference/loss.js';
import { ntkFactors } from '../reference/linearized.js';
import type { Encodable } from './program.js';
import type { RecordLayout } from './records.js';
import { type BufferFactory, taskDispatches, taskKernels } from './task-kernels.js';

/** Matrices per network a record of the linearised model writes: E − A_lin, and E − A(0) on completion. */
export function linearRecordMatrices(kind: TaskData['kind']): number {
  return kind === 'completion' ? 2 : 1;
}

/** Dispatches one step of the linearised model adds: the task residual, then L_k G and the update per k (none for L_N = I). */
export function linearDispatches(kind: TaskData['kind'], depth: number): number {
  return taskDispatches(kind) + 2 * depth - 1;
}

/** The host's references for a record: ‖A(0) − Y‖_F per network, and on completion (1−M) and ‖(1−M)∘(Y − A(0))‖_F. */
export interface LinearReference {
  initialDistance: Float64Array;
  unobserved?: { complement: Float64Array; initialDistance: Float64Array };
}

export interface LinearizedSpec {
  batch: number;
  widths: number[];
  /** One task for every network: batchKey keeps task seeds apart under record.linearized (batch-tasks.ts). */
  tasks: readonly TaskData[];
  /** Initial layers of every network: layers[b][k] is W_{k+1} of network b. */
  layers: Matrix[][];
  /** The network's end-to-end matrices E (read at records). */
  endToEnd: GPUBuffer;
  nets: GPUBuffer;
  buffer: BufferFactory;
}

export class LinearizedModel {
  /** The step's dispatches: residual of A_lin, then per k the products and the update. */
  readonly step: Encodable[];
  readonly reference: LinearReference;
  readonly flopsPerStep: number;
  private readonly aLin: GPUBuffer;
  private readonly a0: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly spec: LinearizedSpec,
  ) {
    const { batch, widths, tasks, layers, nets, buffer } = spec;
    const task = sharedTask(tasks);
    invariant(task !== null, () => 'record.linearized batches share one task');
    const depth = widths.length - 1;
    const rows = widths[depth]!;
    const cols = widths[0]!;
    const size = rows * cols;
    const initial = layers.map(endToEnd);
    const a0 = new Float32Array(batch * size);
    initial.forEach((a, b) => a0.set(a.data, b * size));
    this.aLin = buffer('A_lin', batch * size, a0);
    this.a0 = buffer('A(0)', batch * size, a0);
    const g = buffer('G_lin', batch * size);
    const lg = buffer('L_k G_lin', batch * size);
    const factors = layers.map(ntkFactors);
    const stack = (pick: (b: number) => Matrix, label: string) => {
      const first = pick(0);
      const data = new Float32Array(batch * first.rows * first.cols);
      for (let b = 0; b < batch; b++) data.set(pick(b).data, b * first.rows * first.cols);
      return buffer(label, data.length, data);
    };

    const { residual } = taskKernels(device, { batch, rows, cols, tasks, e: this.aLin, g, buffer });
    this.step = [...residual];
    const update = { kind: 'layer-update' as const, nets };
    for (let k = 1; k <= depth; k++) {
      // L_k G (skipped for L_N = I), then A_lin ← A_lin − η (L_k G) R_k (no product for R_1 = I).
      let z = g;
      if (k < depth) {
        const left = stack((b) => factors[b]!.left[k - 1]!, `L_${k}`);
        this.step.push(
          new BatchedMatmul(device, {
            batch,
            m: rows,
            n: cols,
            k: rows,
            a: left,
            b: g,
            c: lg,
            label: `linearized L_${k} G`,
          }),
        );
        z = lg;
      }
      const right = k > 1 ? stack((b) => factors[b]!.right[k - 1]!, `R_${k}`) : undefined;
      this.step.push(
        new BatchedMatmul(device, {
          batch,
          m: rows,
          n: cols,
          k: cols,
          a: z,
          b: right,
          bIdentity: k === 1,
          c: this.aLin,
          epilogue: update,
          label: `linearized update ${k}`,
        }),
      );
    }
    this.flopsPerStep = this.step.reduce(
      (sum, kernel) => sum + (kernel instanceof BatchedMatmul ? kernel.flops : 0),
      0,
    );
    this.reference = linearReference(task, initial);
  }

  /** The dispatches that write this record's matrices into the records buffer at `base` (a slot's start). */
  recorders(records: GPUBuffer, layout: RecordLayout, base: number): Encodable[] {
    const { batch, widths, endToEnd: e } = this.spec;
    const rows = widths[widths.length - 1]!;
    const cols = widths[0]!;
    const size = rows * cols;
    const difference = (d: GPUBuffer, at: number, label: string) =>
      new BatchedMatmul(this.device, {
        batch,
        m: rows,
        n: cols,
        k: cols,
        bIdentity: true,
        a: e,
        c: records,
        cOffset: at,
        epilogue: { kind: 'subtract', d, dStride: size },
        label,
      });
    const out = [difference(this.aLin, base + layout.linearOffset, 'record E − A_lin')];
    if (this.reference.unobserved)
      out.push(difference(this.a0, base + layout.linearOffset + batch * size, 'record E − A(0)'));
    return out;
  }
}

function linearReference(task: TaskData, initial: Matrix[]): LinearReference {
  const norm = (values: ArrayLike<number>, weight?: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += (weight ? weight[i]! : 1) * values[i]! ** 2;
    return Math.sqrt(sum);
  };
  const residuals = initial.map((a) => sub(a, task.target));
  const reference: LinearReference = { initialDistance: Float64Array.from(residuals, (r) => norm(r.data)) };
  if (task.kind === 'completion') {
    const complement = Float64Array.from(task.mask!.data, (m) => 1 - m);
    reference.unobserved = {
      complement,
      initialDistance: Float64Array.from(residuals, (r) => norm(r.data, complement)),
    };
  }
  return reference;
}

/**
 * Decodes a record's raw linearised matrices into lazyDeviation (and unobservedChange on
 * completion), per network, in Float64, and drops the matrices.
 */
export function decodeLinearRecord(
  linearMatrices: Float32Array,
  reference: LinearReference,
  batch: number,
  size: number,
): { lazyDeviation: Float64Array; unobservedChange?: Float64Array } {
  const norm = (offset: number, weight?: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += (weight ? weight[i]! : 1) * linearMatrices[offset + i]! ** 2;
    return Math.sqrt(sum);
  };
  const lazyDeviation = Float64Array.from({ length: batch }, (_, b) => norm(b * size) / reference.initialDistance[b]!);
  const unobserved = reference.unobserved;
  if (!unobserved) return { lazyDeviation };
  const unobservedChange = Float64Array.from(
    { length: batch },
    (_, b) => norm((batch + b) * size, unobserved.complement) / unobserved.initialDistance[b]!,
  );
  return { lazyDeviation, unobservedChange };
}
