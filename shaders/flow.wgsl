// The end-to-end Riemannian flow (SPEC §6, docs/flow.md "On the GPU"): the elementwise parts of
// the depth-normalised operator (1/N) A_N(W)[G], and the stages of classical RK4. The products
// around them run on matmul.wgsl and the SVD on svd.wgsl.
//
// ---- assemble ----
// From the thin SVD W = U diag(σ) Vᵀ (U is ROWS×R, V is COLS×R, R = min(ROWS, COLS)) and the
// products X = G V (ROWS×R) and M = Uᵀ X (R×R), with σ < TOL·σ_max counted as 0 and
//   κ(a, b) = K(a, b)/N  the normalised multiplier (K^∞ when DEPTH = 0),
//   d_i = κ(σ_i, 0)      what a kept direction i pairs with in the complement of the thin frames,
// the operator is (docs/flow.md derives it)
//   (1/N) A_N(W)[G] = U (K̃ ∘ M) Vᵀ + U D Uᵀ G + X D Vᵀ,   K̃_ij = κ(σ_i, σ_j) − d_i − d_j,  D = diag(d),
// evaluated as one product Ltᵀ · Rt with the stacked factors
//   Lt = [ (U H + X D)ᵀ ; (U D)ᵀ ]  (2R × ROWS),   Rt = [ Vᵀ ; Uᵀ G ]  (2R × COLS),   H = K̃ ∘ M.
// This kernel writes H (over M), −(X D)ᵀ (the epilogue term of the product that fills Lt's top
// half), Lt's bottom half and Rt's top half. A direction with σ counted as 0 gets d = 0 and a zero
// row and column of K̃, so whatever the SVD left in its columns of U and V (zeros, or round-off
// directions for tiny σ) never reaches the result.
//
// ---- rk4_stage ----
// Stage s of W ← W + (η/6)(k₁ + 2k₂ + 2k₃ + k₄), k_s = −P_s − λ E_s with P_s the operator at the
// stage point E_s (E₁ = W, E₂ = W + ½η k₁, E₃ = W + ½η k₂, E₄ = W + η k₃), per-network η and λ,
// nothing done for networks frozen after divergence.

override ROWS: u32;
override COLS: u32;
override R: u32;
override BATCH: u32;
// N, or 0 for the depth-normalised N → ∞ limit.
override DEPTH: u32 = 0u;
// σ < TOL·σ_max counts as 0 (the config's train.flowThreshold; docs/flow.md, "The f32 threshold").
override TOL: f32;
override STAGE: u32 = 1u;

@group(0) @binding(0) var<storage, read> sigma: array<f32>;
@group(0) @binding(1) var<storage, read> u: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
// M on entry, H = K̃ ∘ M on exit (each invocation reads and writes its own entry).
@group(0) @binding(4) var<storage, read_write> inner: array<f32>;
@group(0) @binding(5) var<storage, read_write> minus_xd_t: array<f32>;
@group(0) @binding(6) var<storage, read_write> lt: array<f32>;
@group(0) @binding(7) var<storage, read_write> rt: array<f32>;

// expm1 and log1p to a few f32 ulp. The multipliers divide differences of powers that cancel
// when σ_i ≈ σ_j; written through expm1/log1p of exact differences they do not (the f64 kDepth
// does the same). WGSL has neither, and its log is only 2⁻²¹ absolute near 1, so small arguments
// take series: expm1 by Taylor (|x| < ½: the x¹⁰ term is below 1e-9 relative), log1p through
// 2 atanh(x/(2+x)) (0 ≤ x < 1: |z| < ⅓, the z¹⁹ term is below 1e-9 relative).
fn expm1_(x: f32) -> f32 {
  if (abs(x) >= 0.5) { return exp(x) - 1.0; }
  return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0 * (1.0 + x / 9.0))))))));
}

fn log1p_(x: f32) -> f32 {
  if (x >= 1.0) { return log(1.0 + x); }
  let z = x / (2.0 + x);
  let z2 = z * z;
  let series = 1.0 + z2 * (1.0 / 3.0 + z2 * (1.0 / 5.0 + z2 * (1.0 / 7.0 + z2 * (1.0 / 9.0 + z2 * (1.0 / 11.0 + z2 * (1.0 / 13.0 + z2 * (1.0 / 15.0 + z2 * (1.0 / 17.0))))))));
  return 2.0 * z * series;
}

// κ(a, b) = K^N(a, b)/N, or K^∞(a, b): the closed forms of src/flow/multipliers.ts (kDepth/N,
// kInfinity), with (1 − r^N)/(1 − r), r = (lo/hi)^{2/N} = e^{−δ}, as expm1(−Nδ)/expm1(−δ).
fn kappa(a: f32, b: f32) -> f32 {
  let hi = max(a, b);
  let lo = min(a, b);
  if (hi == 0.0) { return 0.0; }
  if (DEPTH == 0u) {
    if (lo == 0.0) { return 0.0; }
    if (lo == hi) { return hi * hi; }
    let w = 2.0 * log1p_((hi - lo) / lo);
    return hi * hi * (-expm1_(-w)) / w;
  }
  let n = f32(DEPTH);
  let top = pow(hi, 2.0 - 2.0 / n);
  if (lo == hi) { return top; }
  if (lo == 0.0) { return top / n; }
  let delta = (2.0 / n) * log1p_((hi - lo) / lo);
  return top * expm1_(-n * delta) / (n * expm1_(-delta));
}

// σ_i of network `net` after the threshold (0 below TOL·σ_max, and for a non-finite spectrum).
fn kept(net: u32, i: u32) -> f32 {
  let s = sigma[net * R + i];
  return select(0.0, s, s > 0.0 && s >= TOL * sigma[net * R]);
}

@compute @workgroup_size(64)
fn assemble(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * 64u;
  // Per network: R² entries of H, R·ROWS of −(XD)ᵀ, R·ROWS of (UD)ᵀ, R·COLS of Vᵀ.
  let per_net = R * (R + 2u * ROWS + COLS);
  if (id >= BATCH * per_net) { return; }
  let net = id / per_net;
  var k = id % per_net;
  if (k < R * R) {
    let i = k / R;
    let j = k % R;
    let si = kept(net, i);
    let sj = kept(net, j);
    let at = net * R * R + k;
    inner[at] = (kappa(si, sj) - kappa(si, 0.0) - kappa(sj, 0.0)) * inner[at];
    return;
  }
  k -= R * R;
  if (k < R * ROWS) {
    // −(XD)ᵀ, R×ROWS: entry (i, row) = −X[row, i] d_i.
    let i = k / ROWS;
    let row = k % ROWS;
    minus_xd_t[net * R * ROWS + k] = -x[(net * ROWS + row) * R + i] * kappa(kept(net, i), 0.0);
    return;
  }
  k -= R * ROWS;
  if (k < R * ROWS) {
    // Lt rows R..2R−1: (UD)ᵀ, entry (i, row) = U[row, i] d_i.
    let i = k / ROWS;
    let row = k % ROWS;
    lt[net * 2u * R * ROWS + (R + i) * ROWS + row] = u[(net * ROWS + row) * R + i] * kappa(kept(net, i), 0.0);
    return;
  }
  k -= R * ROWS;
  // Rt rows 0..R−1: Vᵀ, entry (i, col) = V[col, i].
  let i = k / COLS;
  let col = k % COLS;
  rt[net * 2u * R * COLS + i * COLS + col] = v[(net * COLS + col) * R + i];
}

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> stage_point: array<f32>;
@group(0) @binding(2) var<storage, read> drift: array<f32>;
@group(0) @binding(3) var<storage, read_write> slope: array<f32>;
// `struct Net` is net.wgsl's, which the wrapper puts in front of this file.
@group(0) @binding(4) var<storage, read> nets: array<Net>;

// The velocity evaluations read their input from `stage_point`, so the last stage copies the new
// W there too: every evaluation, the first included, runs on one set of bindings.
@compute @workgroup_size(64)
fn rk4_stage(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * 64u;
  if (id >= BATCH * ROWS * COLS) { return; }
  let net = nets[id / (ROWS * COLS)];
  if (net.frozen != 0u) { return; }
  let k = -drift[id] - net.weight_decay * stage_point[id];
  switch STAGE {
    case 1u: {
      slope[id] = k;
      stage_point[id] = w[id] + 0.5 * net.lr * k;
    }
    case 2u: {
      slope[id] += 2.0 * k;
      stage_point[id] = w[id] + 0.5 * net.lr * k;
    }
    case 3u: {
      slope[id] += 2.0 * k;
      stage_point[id] = w[id] + net.lr * k;
    }
    default: {
      let next = w[id] + net.lr / 6.0 * (slope[id] + k);
      w[id] = next;
      stage_point[id] = next;
    }
  }
}
