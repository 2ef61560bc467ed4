// main: any shape (matmul.wgsl has the shared part). Each invocation computes a 4×4 block of C
// from scalar loads with bounds checks, one outer product of op(A)'s column and op(B)'s row per k.

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
