// Batched matrix product C_b = op(A_b) · op(B_b), b = 0..BATCH-1, all row-major f32: what every
// entry point of the family shares (override constants, `nets`, which block an invocation owns,
// the epilogue's coefficients). src/kernels/matmul.ts composes one module from net.wgsl, this
// file and the entry points' files, and picks an entry point by shape and adapter:
//   matmul-tiled.wgsl   main_tiled: hardware adapters, M and N multiples of 64, K of 16: 64×64
//                  tiles of C per workgroup, A and B staged in workgroup memory.
//   matmul-wide.wgsl    main_vec4_16x32, main_vec4_16x16: software adapters, 16×32 / 16×16
//                  blocks of C per invocation.
//   matmul-vec4.wgsl    main_vec4_8x8, main_vec4: 8×8 / 4×4 blocks per invocation, 16-byte loads.
//   matmul-scalar.wgsl  main: any shape, scalar loads with bounds checks.
// All but main_tiled use no workgroup memory and no barriers, which software adapters
// (SwiftShader) make expensive; each invocation keeps its block of C in registers (register
// blocking) in mat4x4 values, never in arrays indexed by loop variables: compilers without
// aggressive unrolling (SwiftShader's Subzero) would spill such arrays to memory.
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

// `struct Net` is net.wgsl's, which the wrapper puts in front of this file.
@group(0) @binding(3) var<storage, read> nets: array<Net>;

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
