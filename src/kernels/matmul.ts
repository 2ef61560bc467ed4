/**
 * Kernel wrapper for shaders/matmul.wgsl: batched C_b = op(A_b)·op(B_b) with an optional fused
 * epilogue. A wrapper owns a pipeline specialised (override constants) to one shape and one bind
 * group, so encoding a product inside the step loop is two calls and no allocation.
 */
import source from '../../shaders/matmul.wgsl?raw';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';

export const MATMUL_TILE = 4;
const WORKGROUP = 64;

export type MatmulEpilogue =
  /** C = alpha·P */
  | { kind: 'store'; alpha?: number }
  /** C ← (1 − lr·wd)·C − lr·P with per-network lr, wd from `nets`; frozen networks skipped. */
  | { kind: 'layer-update'; nets: GPUBuffer }
  /** C = alpha·P − D_b */
  | { kind: 'subtract'; d: GPUBuffer; dStride: number; alpha?: number };

export interface MatmulSpec {
  batch: number;
  /** op(A) is m×k, op(B) is k×n, C is m×n. */
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** op(B) = identity (k = n): no product, the epilogue applied to op(A). */
  bIdentity?: boolean;
  a: GPUBuffer;
  b?: GPUBuffer;
  c: GPUBuffer;
  /** Floats between consecutive networks' matrices; 0 broadcasts one matrix. Default: the matrix size. */
  aStride?: number;
  bStride?: number;
  cStride?: number;
  /** Floats before C_0 in `c` (e.g. a record slot). */
  cOffset?: number;
  epilogue?: MatmulEpilogue;
  label?: string;
}

export class BatchedMatmul {
  readonly flops: number;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: MatmulSpec) {
    const epilogue = spec.epilogue ?? { kind: 'store' };
    if (spec.bIdentity && spec.k !== spec.n) throw new Error(`matmul ${spec.label}: identity B needs k = n`);
    const constants = {
      M: spec.m,
      N: spec.n,
      K: spec.k,
      BATCH: spec.batch,
      TRANS_A: spec.transA ?? false,
      TRANS_B: spec.transB ?? false,
      B_IDENTITY: spec.bIdentity ?? false,
      A_STRIDE: spec.aStride ?? spec.m * spec.k,
      B_STRIDE: spec.bStride ?? spec.k * spec.n,
      C_STRIDE: spec.cStride ?? spec.m * spec.n,
      C_OFFSET: spec.cOffset ?? 0,
      D_STRIDE: epilogue.kind === 'subtract' ? epilogue.dStride : 0,
      EPILOGUE: { store: 0, 'layer-update': 1, subtract: 2 }[epilogue.kind],
      ALPHA: epilogue.kind === 'layer-update' ? 1 : (epilogue.alpha ?? 1),
    };
    // 16-byte loads need every row and every matrix to start on a multiple of 4 floats.
    const vec4 = [constants.M, constants.N, constants.K, constants.A_STRIDE, constants.B_STRIDE, constants.C_STRIDE, constants.C_OFFSET, constants.D_STRIDE].every((v) => v % 4 === 0);
    this.pipeline = computePipeline(device, 'matmul', source, constants, vec4 ? 'main_vec4' : 'main');
    const placeholder = spec.a;
    const nets = epilogue.kind === 'layer-update' ? epilogue.nets : placeholderNets(device);
    const d = epilogue.kind === 'subtract' ? epilogue.d : placeholder;
    // Unused bindings still need a buffer; `a` is safe since every use of them is read-only.
    this.bindGroup = bindBuffers(device, this.pipeline, [spec.a, spec.b ?? placeholder, spec.c, nets, d], spec.label);
    const tiles = spec.batch * Math.ceil(spec.m / MATMUL_TILE) * Math.ceil(spec.n / MATMUL_TILE);
    this.grid = workgroupGrid(device, Math.ceil(tiles / WORKGROUP));
    this.flops = spec.bIdentity ? 0 : 2 * spec.batch * spec.m * spec.n * spec.k;
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

const placeholders = new WeakMap<GPUDevice, GPUBuffer>();
function placeholderNets(device: GPUDevice): GPUBuffer {
  let buffer = placeholders.get(device);
  if (!buffer) {
    buffer = device.createBuffer({ label: 'placeholder nets', size: 16, usage: GPUBufferUsage.STORAGE });
    placeholders.set(device, buffer);
  }
  return buffer;
}
