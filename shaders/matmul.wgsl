// Batched matrix product C_b = op(A_b) · op(B_b), b = 0..BATCH-1, all row-major f32.
//
// Each invocation owns a 4×4 or 8×8 block of one C_b and keeps it in registers (register
// blocking): every loaded element feeds 4 or 8 products. No workgroup memory and no barriers, which
// software adapters (SwiftShader) make expensive. Blocks are held in mat4x4 values, never in arrays
// indexed by loop variables: compilers without aggressive unrolling (SwiftShader's Subzero)
// would spill such arrays to memory.
//
// Five entry points share the bindings (the wrapper picks one by shape and adapter,
// src/kernels/matmul.ts):
//   main_vec4_16x32, main_vec4_16x16  software adapters only, when M is a multiple of 16 and N of
//                  32 (16): 32 (16) accumulators. SwiftShader runs 4 invocations as the lanes of
//                  one SIMD register and turns every storage load with a computed address into 4
//                  scalar loads, each behind a bounds check: loads, not arithmetic, are the cost,
//                  so the widest block wins (1.5× and 1.3× main_vec4_8x8 at 64×64), though its
//                  accumulators live in memory. On a hardware GPU they would spill registers.
//   main_vec4_8x8  when M and N are multiples of 8 and the rest as below: four 4×4 accumulators,
//                  so each 4×4 block loaded from A or B feeds two block products (1.5× the
//                  throughput of main_vec4 on SwiftShader at 16×16 to 256×256).
//   main_vec4      when M, N, K, the strides and offsets are multiples of 4: 16-byte loads and
//                  stores, a 4×4×4 block product per iteration.
//   main           any shape: scalar loads with bounds checks.
//
// op(A) is M×K: A is stored M×K, or K×M when TRANS_A (then op(A) = Aᵀ). Likewise op(B) is K×N.
// A batch stride of 0 broadcasts one matrix to every network (e.g. a shared data covariance).
//
// EPILOGUE selects what is done with the product P = op(A)·op(B):
//   0: C = ALPHA · P
//   1: the fused layer update of SPEC §3, C ← (1 − lr_b·wd_b) C − lr_b · P, per-network lr and
//      weight decay from `nets`, skipped for networks frozen after divergence. Every layer's
//      update reads P built from the previous iterate, so layers never see each other's update.
//      Frozen networks keep their last iterate for inspection.
//   2: C = ALPHA · P − D_b (the task residual for regression: W Σxx − Σyx)
// B_IDENTITY replaces op(B) with the K×K identity (N must equal K), so W₁'s update (P_{<1} = I)
// needs no product.

override M: u32;
override N: u32;
override K: u32;
override BATCH: u32;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override B_IDENTITY: bool = false;
override A_STRIDE: u32;
override B_STRIDE: u32;
override C_STRIDE: u32;
// Offset of C_0 in `c`: lets a product write straight into a record slot.
override C_OFFSET: u32 = 0;
override D_STRIDE: u32 = 0;
override EPILOGUE: u32 = 0;
override ALPHA: f32 = 1.0;

const WG: u32 = 64u;

// Per-network hyperparameters and state (layout shared with residual.wgsl and the host).
struct Net {
  lr: f32,
  weight_decay: f32,
  // 1 once the loss kernel has seen the network diverge; its weights then stay as they are.
  frozen: u32,
  // Loss at the first check (the divergence bound is relative to it); negative until then.
  initial_loss: f32,
}

@group(0) @binding(3) var<storage, read> nets: array<Net>;

// ---- shared: which block an invocation owns, and the epilogue's coefficients ----

struct Block {
  valid: bool,
  net: u32,
  row0: u32,
  col0: u32,
}

// The `rows`×`cols` block of C that invocation `gid` owns, `wg` invocations a workgroup.
fn block_of(gid: vec3<u32>, groups: vec3<u32>, rows: u32, cols: u32, wg: u32) -> Block {
  let tiles_m = (M + rows - 1u) / rows;
  let tiles_n = (N + cols - 1u) / cols;
  let id = gid.x + gid.y * groups.x * wg;
  let tiles = tiles_m * tiles_n;
  let net = id / tiles;
  let tile = id % tiles;
  var valid = id < BATCH * tiles;
  if (valid && EPILOGUE == 1u) { valid = nets[net].frozen == 0u; }
  return Block(valid, net, (tile / tiles_n) * rows, (tile % tiles_n) * cols);
}

// (keep, scale): C ← keep·C + scale·P for the update, C ← scale·P (− D) otherwise.
fn epilogue_coefficients(net: u32) -> vec2<f32> {
  if (EPILOGUE == 1u) {
    let lr = nets[net].lr;
    return vec2<f32>(1.0 - lr * nets[net].weight_decay, -lr);
  }
  return vec2<f32>(0.0, ALPHA);
}

// ---- main_vec4: every dimension a multiple of 4 ----

@group(0) @binding(0) var<storage, read> a4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> c4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> d4: array<vec4<f32>>;

// The 4×4 block of op(A) at (row0, k0) as a matrix whose column i is row row0+i.
fn a_block(base: u32, row0: u32, k0: u32) -> mat4x4<f32> {
  if (TRANS_A) {
    // Stored K×M: row k0+j of storage holds op(A)'s column k0+j.
    let at = (base + k0 * M + row0) / 4u;
    let s = M / 4u;
    return transpose(mat4x4<f32>(a4[at], a4[at + s], a4[at + 2u * s], a4[at + 3u * s]));
  }
  let at = (base + row0 * K + k0) / 4u;
  let s = K / 4u;
  return mat4x4<f32>(a4[at], a4[at + s], a4[at + 2u * s], a4[at + 3u * s]);
}

// The 4×4 block of op(B) at (k0, col0) as a matrix whose column j is row k0+j.
fn b_block(base: u32, k0: u32, col0: u32) -> mat4x4<f32> {
  if (TRANS_B) {
    let at = (base + col0 * K + k0) / 4u;
    let s = K / 4u;
    return transpose(mat4x4<f32>(b4[at], b4[at + s], b4[at + 2u * s], b4[at + 3u * s]));
  }
  let at = (base + k0 * N + col0) / 4u;
  let s = N / 4u;
  return mat4x4<f32>(b4[at], b4[at + s], b4[at + 2u * s], b4[at + 3u * s]);
}

// Vec4 indices of the block's first entry in C and in D.
fn c_vec4_index(blk: Block) -> u32 {
  return (C_OFFSET + blk.net * C_STRIDE + blk.row0 * N + blk.col0) / 4u;
}

fn d_vec4_index(blk: Block) -> u32 {
  return (blk.net * D_STRIDE + blk.row0 * N + blk.col0) / 4u;
}

fn store_row4(at: u32, d_at: u32, value: vec4<f32>, coef: vec2<f32>) {
  switch EPILOGUE {
    case 1u: { c4[at] = coef.x * c4[at] + coef.y * value; }
    case 2u: { c4[at] = coef.y * value - d4[d_at]; }
    default: { c4[at] = coef.y * value; }
  }
}

// Applies the epilogue to a 4×4 block whose first row starts at vec4 index `at` of C (`d_at` of D).
fn store_block4(at: u32, d_at: u32, acc: mat4x4<f32>, coef: vec2<f32>) {
  let s = N / 4u;
  store_row4(at, d_at, acc[0], coef);
  store_row4(at + s, d_at + s, acc[1], coef);
  store_row4(at + 2u * s, d_at + 2u * s, acc[2], coef);
  store_row4(at + 3u * s, d_at + 3u * s, acc[3], coef);
}

@compute @workgroup_size(WG)
fn main_vec4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blk = block_of(gid, groups, 4u, 4u, WG);
  if (!blk.valid) { return; }
  let a_base = blk.net * A_STRIDE;
  var acc: mat4x4<f32>;
  if (B_IDENTITY) {
    acc = a_block(a_base, blk.row0, blk.col0);
  } else {
    let b_base = blk.net * B_STRIDE;
    for (var k0 = 0u; k0 < K; k0 += 4u) {
      // Column i of the product block is Σ_j A[i][j]·(row j of B) = Bblk · (column i of Ablk).
      acc += b_block(b_base, k0, blk.col0) * a_block(a_base, blk.row0, k0);
    }
  }
  let at = c_vec4_index(blk);
  let d_at = d_vec4_index(blk);
  store_block4(at, d_at, acc, epilogue_coefficients(blk.net));
}

// Accumulators (i, j) hold C's 4×4 blocks at rows row0 + 4i, columns col0 + 4j. B_IDENTITY never
// comes here (the wrapper sends identity products to main_vec4).
@compute @workgroup_size(WG)
fn main_vec4_8x8(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blk = block_of(gid, groups, 8u, 8u, WG);
  if (!blk.valid) { return; }
  let a_base = blk.net * A_STRIDE;
  let b_base = blk.net * B_STRIDE;
  var acc00: mat4x4<f32>;
  var acc01: mat4x4<f32>;
  var acc10: mat4x4<f32>;
  var acc11: mat4x4<f32>;
  for (var k0 = 0u; k0 < K; k0 += 4u) {
    let a0 = a_block(a_base, blk.row0, k0);
    let a1 = a_block(a_base, blk.row0 + 4u, k0);
    let b0 = b_block(b_base, k0, blk.col0);
    let b1 = b_block(b_base, k0, blk.col0 + 4u);
    acc00 += b0 * a0;
    acc01 += b1 * a0;
    acc10 += b0 * a1;
    acc11 += b1 * a1;
  }
  let coef = epilogue_coefficients(blk.net);
  let at = c_vec4_index(blk);
  let d_at = d_vec4_index(blk);
  let down = N; // 4 rows of N floats = N vec4s
  store_block4(at, d_at, acc00, coef);
  store_block4(at + 1u, d_at + 1u, acc01, coef);
  store_block4(at + down, d_at + down, acc10, coef);
  store_block4(at + down + 1u, d_at + down + 1u, acc11, coef);
}

// ---- main_vec4_16x16, main_vec4_16x32: wide blocks for software adapters ----

// Workgroups of wide blocks are small so that a batch of few, fat invocations still spreads over
// every CPU thread of the adapter.
const WG_WIDE: u32 = 16u;

// Four 4×4 blocks side by side: a 4×16 strip of op(B) or of C, block j at columns 4j..4j+3.
struct Strip {
  m0: mat4x4<f32>,
  m1: mat4x4<f32>,
  m2: mat4x4<f32>,
  m3: mat4x4<f32>,
}

// A 16×16 block of C as four strips, strip i at rows 4i..4i+3.
struct Block16 {
  s0: Strip,
  s1: Strip,
  s2: Strip,
  s3: Strip,
}

// The 16×4 column of op(A) at (row0, k0) as four a_blocks, block i at rows 4i..4i+3.
struct Column16 {
  a0: mat4x4<f32>,
  a1: mat4x4<f32>,
  a2: mat4x4<f32>,
  a3: mat4x4<f32>,
}

fn a_column(base: u32, row0: u32, k0: u32) -> Column16 {
  return Column16(a_block(base, row0, k0), a_block(base, row0 + 4u, k0), a_block(base, row0 + 8u, k0), a_block(base, row0 + 12u, k0));
}

fn b_strip(base: u32, k0: u32, col0: u32) -> Strip {
  return Strip(b_block(base, k0, col0), b_block(base, k0, col0 + 4u), b_block(base, k0, col0 + 8u), b_block(base, k0, col0 + 12u));
}

// acc + a·b for a 4×4 block a of op(A), in the block orientation of main_vec4.
fn strip_fma(acc: Strip, a: mat4x4<f32>, b: Strip) -> Strip {
  return Strip(acc.m0 + b.m0 * a, acc.m1 + b.m1 * a, acc.m2 + b.m2 * a, acc.m3 + b.m3 * a);
}

// acc + a·b: the 16×16 block's share of one 4-wide slice of the k sum.
fn block16_fma(acc: Block16, a: Column16, b: Strip) -> Block16 {
  return Block16(strip_fma(acc.s0, a.a0, b), strip_fma(acc.s1, a.a1, b), strip_fma(acc.s2, a.a2, b), strip_fma(acc.s3, a.a3, b));
}

// Stores the strip whose first row starts at vec4 index `at` of C (`d_at` of D).
fn store_strip(at: u32, d_at: u32, s: Strip, coef: vec2<f32>) {
  store_block4(at, d_at, s.m0, coef);
  store_block4(at + 1u, d_at + 1u, s.m1, coef);
  store_block4(at + 2u, d_at + 2u, s.m2, coef);
  store_block4(at + 3u, d_at + 3u, s.m3, coef);
}

// Stores a 16×16 block; four rows of C are N vec4s.
fn store_block16(at: u32, d_at: u32, c: Block16, coef: vec2<f32>) {
  store_strip(at, d_at, c.s0, coef);
  store_strip(at + N, d_at + N, c.s1, coef);
  store_strip(at + 2u * N, d_at + 2u * N, c.s2, coef);
  store_strip(at + 3u * N, d_at + 3u * N, c.s3, coef);
}

@compute @workgroup_size(WG_WIDE)
fn main_vec4_16x16(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blk = block_of(gid, groups, 16u, 16u, WG_WIDE);
  if (!blk.valid) { return; }
  var c: Block16;
  for (var k0 = 0u; k0 < K; k0 += 4u) {
    c = block16_fma(c, a_column(blk.net * A_STRIDE, blk.row0, k0), b_strip(blk.net * B_STRIDE, k0, blk.col0));
  }
  let at = c_vec4_index(blk);
  let d_at = d_vec4_index(blk);
  store_block16(at, d_at, c, epilogue_coefficients(blk.net));
}

// Two 16×16 blocks side by side share every load of op(A).
@compute @workgroup_size(WG_WIDE)
fn main_vec4_16x32(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blk = block_of(gid, groups, 16u, 32u, WG_WIDE);
  if (!blk.valid) { return; }
  var left: Block16;
  var right: Block16;
  for (var k0 = 0u; k0 < K; k0 += 4u) {
    let a = a_column(blk.net * A_STRIDE, blk.row0, k0);
    left = block16_fma(left, a, b_strip(blk.net * B_STRIDE, k0, blk.col0));
    right = block16_fma(right, a, b_strip(blk.net * B_STRIDE, k0, blk.col0 + 16u));
  }
  let at = c_vec4_index(blk);
  let d_at = d_vec4_index(blk);
  let coef = epilogue_coefficients(blk.net);
  store_block16(at, d_at, left, coef);
  store_block16(at + 4u, d_at + 4u, right, coef);
}

// ---- main: any shape ----

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> d: array<f32>;

fn load_a(base: u32, row: u32, col: u32) -> f32 {
  if (row >= M || col >= K) { return 0.0; }
  if (TRANS_A) { return a[base + col * M + row]; }
  return a[base + row * K + col];
}

fn load_b(base: u32, row: u32, col: u32) -> f32 {
  if (row >= K || col >= N) { return 0.0; }
  if (B_IDENTITY) { return select(0.0, 1.0, row == col); }
  if (TRANS_B) { return b[base + col * K + row]; }
  return b[base + row * N + col];
}

fn store(net: u32, row: u32, col: u32, value: f32, coef: vec2<f32>) {
  if (row >= M || col >= N) { return; }
  let at = C_OFFSET + net * C_STRIDE + row * N + col;
  switch EPILOGUE {
    case 1u: { c[at] = coef.x * c[at] + coef.y * value; }
    case 2u: { c[at] = coef.y * value - d[net * D_STRIDE + row * N + col]; }
    default: { c[at] = coef.y * value; }
  }
}

fn store_row(net: u32, row: u32, col0: u32, value: vec4<f32>, coef: vec2<f32>) {
  store(net, row, col0, value.x, coef);
  store(net, row, col0 + 1u, value.y, coef);
  store(net, row, col0 + 2u, value.z, coef);
  store(net, row, col0 + 3u, value.w, coef);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blk = block_of(gid, groups, 4u, 4u, WG);
  if (!blk.valid) { return; }
  let a_base = blk.net * A_STRIDE;
  let b_base = blk.net * B_STRIDE;
  let r = blk.row0;
  let q = blk.col0;
  var acc: mat4x4<f32>;
  if (B_IDENTITY) {
    acc = mat4x4<f32>(
      vec4<f32>(load_a(a_base, r, q), load_a(a_base, r, q + 1u), load_a(a_base, r, q + 2u), load_a(a_base, r, q + 3u)),
      vec4<f32>(load_a(a_base, r + 1u, q), load_a(a_base, r + 1u, q + 1u), load_a(a_base, r + 1u, q + 2u), load_a(a_base, r + 1u, q + 3u)),
      vec4<f32>(load_a(a_base, r + 2u, q), load_a(a_base, r + 2u, q + 1u), load_a(a_base, r + 2u, q + 2u), load_a(a_base, r + 2u, q + 3u)),
      vec4<f32>(load_a(a_base, r + 3u, q), load_a(a_base, r + 3u, q + 1u), load_a(a_base, r + 3u, q + 2u), load_a(a_base, r + 3u, q + 3u)));
  } else {
    for (var k = 0u; k < K; k++) {
      // Outer product of op(A)'s column k (rows r..r+3) with op(B)'s row k (cols q..q+3).
      let av = vec4<f32>(load_a(a_base, r, k), load_a(a_base, r + 1u, k), load_a(a_base, r + 2u, k), load_a(a_base, r + 3u, k));
      let bv = vec4<f32>(load_b(b_base, k, q), load_b(b_base, k, q + 1u), load_b(b_base, k, q + 2u), load_b(b_base, k, q + 3u));
      acc += mat4x4<f32>(av.x * bv, av.y * bv, av.z * bv, av.w * bv);
    }
  }
  let coef = epilogue_coefficients(blk.net);
  store_row(blk.net, r, q, acc[0], coef);
  store_row(blk.net, r + 1u, q, acc[1], coef);
  store_row(blk.net, r + 2u, q, acc[2], coef);
  store_row(blk.net, r + 3u, q, acc[3], coef);
}
