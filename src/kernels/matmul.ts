/**
 * Kernel wrapper for the matmul family (shaders/matmul*.wgsl): batched C_b = op(A_b)·op(B_b) with
 * an optional fused epilogue. A wrapper owns a pipeline specialised (override constants) to one
 * shape and one bind group, so encoding a product inside the step loop is two calls and no
 * allocation. The entry point is chosen by shape and adapter class (chooseEntryPoint,
 * docs/engine.md "Products").
 */
import shared from '../../shaders/matmul.wgsl?raw';
import scalar from '../../shaders/matmul-scalar.wgsl?raw';
import tiled from '../../shaders/matmul-tiled.wgsl?raw';
import vec4 from '../../shaders/matmul-vec4.wgsl?raw';
import wide from '../../shaders/matmul-wide.wgsl?raw';
import { isSoftwareDevice } from '../gpu/device.js';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';
import { placeholder } from './workspace.js';
import { composeWgsl, NET_WGSL } from './wgsl.js';
import { invariant } from '../errors.js';

/** One module holds every entry point; each pipeline compiles only its own. */
const source = composeWgsl(NET_WGSL, shared, vec4, wide, scalar, tiled);

/**
 * 8×8 blocks per invocation need this many invocations to be chosen on a hardware GPU, where
 * fewer, fatter invocations can leave SMs idle; software adapters (a few CPU cores) always take
 * them when the shape allows.
 */
const MIN_8X8_INVOCATIONS_ON_GPU = 16384;

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
  /** The kernel chosen by shape and adapter: an entry point of the matmul family. */
  readonly entryPoint: string;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: MatmulSpec) {
    const epilogue = spec.epilogue ?? { kind: 'store' };
    invariant(!spec.bIdentity || spec.k === spec.n, () => `matmul ${spec.label}: identity B needs k = n`);
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
    const { entryPoint, rows, cols, blocksPerWorkgroup, tile } = chooseEntryPoint(device, spec, constants);
    this.entryPoint = entryPoint;
    this.pipeline = computePipeline(device, 'matmul', source, { ...constants, ...tile }, entryPoint);
    const unused = spec.a;
    const nets = epilogue.kind === 'layer-update' ? epilogue.nets : placeholder(device, 'nets');
    const d = epilogue.kind === 'subtract' ? epilogue.d : unused;
    // Unused bindings still need a buffer; `a` is safe since every use of them is read-only.
    this.bindGroup = bindBuffers(device, this.pipeline, [spec.a, spec.b ?? unused, spec.c, nets, d], spec.label);
    const tiles = spec.batch * Math.ceil(spec.m / rows) * Math.ceil(spec.n / cols);
    this.grid = workgroupGrid(device, Math.ceil(tiles / blocksPerWorkgroup));
    this.flops = spec.bIdentity ? 0 : 2 * spec.batch * spec.m * spec.n * spec.k;
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

interface EntryPoint {
  entryPoint: string;
  /** Rows and columns of the block of C that one invocation (main_tiled: one workgroup) computes. */
  rows: number;
  cols: number;
  /** Blocks per workgroup: the entry point's @workgroup_size, or 1 for main_tiled. */
  blocksPerWorkgroup: number;
  /** main_tiled's tile constants. */
  tile?: Record<string, number>;
}

const SCALAR: EntryPoint = { entryPoint: 'main', rows: 4, cols: 4, blocksPerWorkgroup: 64 };
const VEC4: EntryPoint = { entryPoint: 'main_vec4', rows: 4, cols: 4, blocksPerWorkgroup: 64 };
const VEC4_8X8: EntryPoint = { entryPoint: 'main_vec4_8x8', rows: 8, cols: 8, blocksPerWorkgroup: 64 };
/** Widest first: on software adapters the widest block that tiles C is the fastest (matmul-wide.wgsl). */
const SOFTWARE_WIDE: EntryPoint[] = [
  { entryPoint: 'main_vec4_16x32', rows: 16, cols: 32, blocksPerWorkgroup: 16 },
  { entryPoint: 'main_vec4_16x16', rows: 16, cols: 16, blocksPerWorkgroup: 16 },
  VEC4_8X8,
];
/**
 * Hardware adapters, m and n multiples of 64 and k of 16: a 64×64 tile of C per workgroup of
 * 16×16 invocations (4×4 each), staged through workgroup memory 16 along k at a time
 * (matmul-tiled.wgsl). Software adapters never take it: SwiftShader turns workgroup memory and
 * barriers into memory traffic and thread synchronisation (as for the fused step).
 */
const TILE = { TILE_M: 64, TILE_N: 64, TILE_K: 16 };
const TILED: EntryPoint = {
  entryPoint: 'main_tiled',
  rows: TILE.TILE_M,
  cols: TILE.TILE_N,
  blocksPerWorkgroup: 1,
  tile: TILE,
};

/** The kernel by shape and adapter class (the headers of shaders/matmul*.wgsl). */
function chooseEntryPoint(
  device: GPUDevice,
  spec: MatmulSpec,
  constants: Record<string, number | boolean>,
): EntryPoint {
  // 16-byte loads need every row and every matrix to start on a multiple of 4 floats.
  const aligned = ['M', 'N', 'K', 'A_STRIDE', 'B_STRIDE', 'C_STRIDE', 'C_OFFSET', 'D_STRIDE'].every(
    (key) => (constants[key] as number) % 4 === 0,
  );
  if (!aligned) return SCALAR;
  if (spec.bIdentity) return VEC4;
  const tiles = (e: EntryPoint) => spec.m % e.rows === 0 && spec.n % e.cols === 0;
  if (isSoftwareDevice(device)) return SOFTWARE_WIDE.find(tiles) ?? VEC4;
  if (tiles(TILED) && spec.k % TILE.TILE_K === 0) return TILED;
  const invocations8 = spec.batch * (spec.m / 8) * (spec.n / 8);
  return tiles(VEC4_8X8) && invocations8 >= MIN_8X8_INVOCATIONS_ON_GPU ? VEC4_8X8 : VEC4;
}
