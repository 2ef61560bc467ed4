// The register-blocked vec4 products (matmul.wgsl has the shared part), and the vec4 loads and
// epilogue stores the wide and tiled entry points build on. Every dimension, stride and offset is
// a multiple of 4, so every row of every matrix starts on a 16-byte boundary.
//   main_vec4      a 4×4 block of C per invocation, a 4×4×4 block product per iteration.
//   main_vec4_8x8  an 8×8 block as four 4×4 accumulators (M and N multiples of 8), so each 4×4
//                  block loaded from A or B feeds two block products (1.5× the throughput of
//                  main_vec4 on SwiftShader at 16×16 to 256×256). On hardware adapters it is
//                  taken only where it still gives enough invocations (src/kernels/matmul.ts).

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
