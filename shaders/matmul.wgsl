// Batched matrix product C_b = op(A_b) · op(B_b), b = 0..BATCH-1, all row-major f32.
//
// Each invocation owns a TILE×TILE block of one C_b and keeps it in registers (register
// blocking): every loaded element of A feeds TILE products, every element of B too. No
// workgroup memory and no barriers, which software adapters (SwiftShader) make expensive.
//
// op(A) is M×K: A is stored M×K, or K×M when TRANS_A (then op(A) = Aᵀ). Likewise op(B) is K×N.
// A batch stride of 0 broadcasts one matrix to every network (e.g. a shared data covariance).
//
// EPILOGUE selects what is done with the product P = op(A)·op(B):
//   0: C = ALPHA · P
//   1: the fused layer update of SPEC §3, C ← (1 − lr_b·wd_b) C − lr_b · P, per-network lr and
//      weight decay from `nets`, skipped for networks frozen after divergence. Every layer's
//      update reads P built from the previous iterate, so layers never see each other's update.
//      Frozen networks keep their weights (they would otherwise turn NaN and stay so anyway, but
//      freezing keeps the last finite iterate for inspection).
//   2: C = P − ALPHA_MINUS (the task residual for regression: W Σxx − Σyx, D = Σyx)
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

const TILE: u32 = 4u;
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

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<storage, read> nets: array<Net>;
@group(0) @binding(4) var<storage, read> d: array<f32>;

fn load_a(base: u32, row: u32, col: u32) -> f32 {
  if (TRANS_A) { return a[base + col * M + row]; }
  return a[base + row * K + col];
}

fn load_b(base: u32, row: u32, col: u32) -> f32 {
  if (B_IDENTITY) { return select(0.0, 1.0, row == col); }
  if (TRANS_B) { return b[base + col * K + row]; }
  return b[base + row * N + col];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let tiles_m = (M + TILE - 1u) / TILE;
  let tiles_n = (N + TILE - 1u) / TILE;
  let id = gid.x + gid.y * groups.x * WG;
  if (id >= BATCH * tiles_m * tiles_n) { return; }
  let net = id / (tiles_m * tiles_n);
  let tile = id % (tiles_m * tiles_n);
  let row0 = (tile / tiles_n) * TILE;
  let col0 = (tile % tiles_n) * TILE;

  if (EPILOGUE == 1u && nets[net].frozen != 0u) { return; }

  let a_base = net * A_STRIDE;
  let b_base = net * B_STRIDE;
  var acc: array<array<f32, TILE>, TILE>;
  if (B_IDENTITY) {
    for (var i = 0u; i < TILE; i++) {
      for (var j = 0u; j < TILE; j++) {
        let row = row0 + i;
        let col = col0 + j;
        if (row < M && col < N) { acc[i][j] = load_a(a_base, row, col); }
      }
    }
  } else {
    for (var k = 0u; k < K; k++) {
      var av: array<f32, TILE>;
      var bv: array<f32, TILE>;
      for (var i = 0u; i < TILE; i++) {
        av[i] = select(0.0, load_a(a_base, row0 + i, k), row0 + i < M);
        bv[i] = select(0.0, load_b(b_base, k, col0 + i), col0 + i < N);
      }
      for (var i = 0u; i < TILE; i++) {
        for (var j = 0u; j < TILE; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
  }

  let c_base = C_OFFSET + net * C_STRIDE;
  var keep = 1.0;
  var scale = ALPHA;
  if (EPILOGUE == 1u) {
    keep = 1.0 - nets[net].lr * nets[net].weight_decay;
    scale = -nets[net].lr;
  }
  for (var i = 0u; i < TILE; i++) {
    for (var j = 0u; j < TILE; j++) {
      let row = row0 + i;
      let col = col0 + j;
      if (row < M && col < N) {
        let at = c_base + row * N + col;
        switch EPILOGUE {
          case 1u: { c[at] = keep * c[at] + scale * acc[i][j]; }
          case 2u: { c[at] = scale * acc[i][j] - d[net * D_STRIDE + row * N + col]; }
          default: { c[at] = scale * acc[i][j]; }
        }
      }
    }
  }
}
