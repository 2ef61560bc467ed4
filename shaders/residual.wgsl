// The task family: the end-to-end gradient G = ∇_W C of SPEC §2 for the elementwise tasks, and
// every network's loss with the divergence check. (Regression and sensing residuals are products
// and run on the matmul kernel; their loss is computed here.)

// ---- residual: G = SCALE · M ∘ (E − Y), one invocation per entry ----
override ROWS: u32;
override COLS: u32;
override BATCH: u32;
// 0 when every network shares one target and mask (the usual case); ROWS · COLS when each
// network has its own (a batch over task seeds, src/problem/batch-tasks.ts).
override TARGET_STRIDE: u32 = 0;
override MASK_STRIDE: u32 = 0;
override MASKED: bool = false;
// loss.scale for factorization, loss.scale / |Ω| for completion; or, PER_NETWORK_SCALE, network
// b's own in scales[b] (completion: each network its |Ω|).
override SCALE: f32 = 1.0;
override PER_NETWORK_SCALE: bool = false;

@group(0) @binding(0) var<storage, read> e: array<f32>;
@group(0) @binding(1) var<storage, read> target_y: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> g: array<f32>;
@group(0) @binding(4) var<storage, read> scales: array<f32>;

@compute @workgroup_size(64)
fn residual(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * 64u;
  let size = ROWS * COLS;
  if (id >= BATCH * size) { return; }
  let i = id % size;
  let net = id / size;
  var r = e[id] - target_y[net * TARGET_STRIDE + i];
  if (MASKED) { r *= mask[net * MASK_STRIDE + i]; }
  var scale = SCALE;
  if (PER_NETWORK_SCALE) { scale = scales[net]; }
  g[id] = scale * r;
}

// ---- loss: one workgroup per network, a fixed-order tree sum (reproducible, no atomics) ----
// MODE 0: loss = COEF · Σ x² over COUNT entries (factorization, completion: x = G; sensing: x = r).
// MODE 1: loss = ½ Σ e·(x − d) + OFFSET (regression: x = G, d = s·Σyx, OFFSET = s·‖Y_data‖²/2m).
// MODE 2: loss = d[net] · Σ x², a coefficient per network (completion: |Ω_b|/2s).
override MODE: u32 = 0u;
override COUNT: u32;
override COEF: f32 = 0.5;
override OFFSET: f32 = 0.0;
// Diverged: non-finite, or above DIVERGENCE_FACTOR · max(initial loss, 1).
override DIVERGENCE_FACTOR: f32 = 1e6;
// Where this record slot starts in `records`: BATCH losses, then BATCH frozen flags (0 or 1).
override OUT_OFFSET: u32 = 0u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> ee: array<f32>;
@group(0) @binding(2) var<storage, read> d: array<f32>;
// `struct Net` is net.wgsl's, which the wrapper puts in front of this file.
@group(0) @binding(3) var<storage, read_write> nets: array<Net>;
@group(0) @binding(4) var<storage, read_write> records: array<f32>;

var<workgroup> partial: array<f32, 64>;

// The sum of every invocation's `value`, in a fixed-order tree (call from uniform control flow).
fn workgroup_sum(lid: u32, value: f32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var half = 32u; half > 0u; half >>= 1u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  return partial[0];
}

fn is_finite(v: f32) -> bool {
  // WGSL lets compilers assume finite math, so test the exponent bits instead of v != v.
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(64)
fn loss(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let net = wid.x + wid.y * groups.x;
  let in_batch = net < BATCH;
  var sum = 0.0;
  if (in_batch) {
    let base = net * COUNT;
    for (var i = lid; i < COUNT; i += 64u) {
      let v = x[base + i];
      if (MODE == 1u) {
        sum += ee[base + i] * (v - d[i]);
      } else {
        sum += v * v;
      }
    }
  }
  let total = workgroup_sum(lid, sum);
  if (lid != 0u || !in_batch) { return; }
  var value = COEF * total;
  if (MODE == 1u) { value = 0.5 * total + OFFSET; }
  if (MODE == 2u) { value = d[net] * total; }
  var state = nets[net];
  if (state.frozen == 0u) {
    if (state.initial_loss < 0.0 && is_finite(value)) { state.initial_loss = value; }
    if (!is_finite(value) || value > DIVERGENCE_FACTOR * max(state.initial_loss, 1.0)) { state.frozen = 1u; }
    nets[net] = state;
  }
  records[OUT_OFFSET + net] = value;
  records[OUT_OFFSET + BATCH + net] = f32(state.frozen);
}

// ---- sum_squares: one workgroup per network, SQ_SCALE · Σ_i w_i (x_i − y_i)² over COUNT entries ----
// Record-step sums that are not the loss: Σ_k ‖W_k‖² (one dispatch per layer, the later ones
// ACCUMULATE), and the held-out error √(‖R‖²/‖·‖²) of SPEC §12 (SQ_ROOT). y and w are shared by
// all networks (SQ_STRIDE 0) or network-major, SQ_STRIDE = COUNT apart.
override SQ_STRIDE: u32 = 0u;
override SQ_SUBTRACT: bool = false;
override SQ_WEIGHTED: bool = false;
override SQ_ACCUMULATE: bool = false;
override SQ_SCALE: f32 = 1.0;
override SQ_ROOT: bool = false;

@group(0) @binding(0) var<storage, read> sq_x: array<f32>;
@group(0) @binding(1) var<storage, read> sq_y: array<f32>;
@group(0) @binding(2) var<storage, read> sq_w: array<f32>;
@group(0) @binding(3) var<storage, read_write> sq_out: array<f32>;

@compute @workgroup_size(64)
fn sum_squares(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let net = wid.x + wid.y * groups.x;
  let in_batch = net < BATCH;
  var sum = 0.0;
  if (in_batch) {
    let base = net * COUNT;
    let own = net * SQ_STRIDE;
    for (var i = lid; i < COUNT; i += 64u) {
      var v = sq_x[base + i];
      if (SQ_SUBTRACT) { v -= sq_y[own + i]; }
      var term = v * v;
      if (SQ_WEIGHTED) { term *= sq_w[own + i]; }
      sum += term;
    }
  }
  let total = workgroup_sum(lid, sum);
  if (lid != 0u || !in_batch) { return; }
  var value = SQ_SCALE * total;
  if (SQ_ROOT) { value = sqrt(value); }
  if (SQ_ACCUMULATE) {
    sq_out[OUT_OFFSET + net] += value;
  } else {
    sq_out[OUT_OFFSET + net] = value;
  }
}
