// main_vec4_16x32, main_vec4_16x16: wide blocks for software adapters only, when M is a multiple
// of 16 and N of 32 (16): 32 (16) 4×4 accumulators, built on matmul-vec4.wgsl's loads and stores.
// SwiftShader runs 4 invocations as the lanes of one SIMD register and turns every storage load
// with a computed address into 4 scalar loads, each behind a bounds check: loads, not arithmetic,
// are the cost, so the widest block wins (1.5× and 1.3× main_vec4_8x8 at 64×64), though its
// accumulators live in memory. On a hardware GPU they would spill registers.

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
