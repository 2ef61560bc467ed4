// Batched thin SVD by one-sided Jacobi (Hestenes) rotations, one workgroup per matrix. For singular
// values alone, singular-values.wgsl is several times faster; this kernel gives the vectors too.
//
// Compiled after work-matrix.wgsl (the overrides, bindings, and the scaled working matrix W, M×R).
// The kernel orthogonalises the R columns of W. Rotations V_w applied in place turn W into W·V_w; converged, its columns are orthogonal and their norms are the
// singular values.
//
// A sweep visits every column pair once in R' − 1 rounds (R' = R rounded up to even; an odd R
// gets a dummy column that sits out) of the circle (Brent–Luk / chess-tournament) ordering:
// the R'/2 pairs of a round are disjoint, so each is rotated by its own PAIR_THREADS invocations
// at once, and a barrier separates rounds. Sweeps stop after one that rotates no pair, i.e. every
// pair has |γ| ≤ TOL·√α·√β (α, β the squared column norms, γ their dot product), or after
// MAX_SWEEPS. Every sum runs in a fixed order and no float atomics are used, so a matrix's result
// is the same bits on every run of a pipeline.
//
// V_w (when WANT_VECTORS) lives after W in the working storage, at M·R.
//
// Outputs, sorted by descending singular value (ties by column index):
//   values[OUT_OFFSET + b*R + i]  σ_i
//   u[b*ROWS*R ..] (ROWS×R row-major), v[b*COLS*R ..] (COLS×R) when WANT_VECTORS: A = U diag(σ) Vᵀ.
//     The side that comes from V_w (V, or U for ROWS < COLS) is exactly a product of rotations and
//     always orthonormal; the side from normalising W's columns has a zero column where σ_i = 0.
//   sweeps[b] when WANT_SWEEPS: sweeps run, the last one rotation-free; MAX_SWEEPS + 1 when it
//     stopped at the limit unconverged.
// A matrix with a non-finite entry gets NaN for every output (and 0 sweeps).

override WANT_VECTORS: bool = false;
override WANT_SWEEPS: bool = false;
// Invocations per column pair; WG = PAIR_THREADS · R'/2.
override PAIR_THREADS: u32 = 1u;
override TOL: f32 = 1e-6;
// A pair also counts as orthogonal when |γ| ≤ ABS_TOL²·‖A‖²_F / R: the Gram matrix's remaining
// off-diagonal then has norm ≤ ABS_TOL²·‖A‖²_F, which moves no singular value by more than
// ABS_TOL·‖A‖_F. Columns at the f32 noise floor (a rank-deficient W, the tiny singular values of
// a deep product) would otherwise keep failing the relative test.
override ABS_TOL: f32 = 1e-7;
override MAX_SWEEPS: u32 = 30u;

@group(0) @binding(3) var<storage, read_write> u: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> sweeps: array<u32>;

// Per-invocation partial sums of β and γ (α's go to `partial`).
var<workgroup> partial_beta: array<f32, WG>;
var<workgroup> partial_gamma: array<f32, WG>;
var<workgroup> norms: array<f32, R>;
// order[i] = the column holding the i-th largest singular value.
var<workgroup> order: array<u32, R>;
// Set when a pair rotates; workgroup memory starts zeroed, invocation 0 clears it per sweep.
var<workgroup> rotated: atomic<u32>;
// Whether the sweep rotated any pair, read by all through workgroupUniformLoad.
var<workgroup> flag: u32;
// ABS_TOL²·‖A‖²_F / R for the scaled matrix.
var<workgroup> gamma_floor: f32;

// The column at `seat` in round k of the circle method: seat 0 stays, the others move on by k.
fn seat(s: u32, k: u32, even_r: u32) -> u32 {
  if (s == 0u) { return 0u; }
  return 1u + (s - 1u + k) % (even_r - 1u);
}

// One pair of round k: Gram entries over the M rows split among the pair's invocations, then
// the rotation that zeroes γ applied to both columns of W (and V_w).
fn rotate_pair(lid: u32, k: u32) {
  let m = max(ROWS, COLS);
  let even_r = R + (R & 1u);
  let pair = lid / PAIR_THREADS;
  let lane = lid % PAIR_THREADS;
  let seat_a = seat(pair, k, even_r);
  let seat_b = seat(even_r - 1u - pair, k, even_r);
  let p = min(seat_a, seat_b);
  let q = max(seat_a, seat_b);
  // q = R is the dummy column of an odd R.
  let real_pair = q < R;
  var alpha = 0.0;
  var beta = 0.0;
  var gamma = 0.0;
  if (real_pair) {
    for (var i = lane; i < m; i += PAIR_THREADS) {
      let x = load(p * m + i);
      let y = load(q * m + i);
      alpha = fma(x, x, alpha);
      beta = fma(y, y, beta);
      gamma = fma(x, y, gamma);
    }
  }
  if (PAIR_THREADS > 1u) {
    partial[lid] = alpha;
    partial_beta[lid] = beta;
    partial_gamma[lid] = gamma;
    workgroupBarrier();
    // Every invocation of the pair adds the same partials in the same order: identical results.
    alpha = 0.0;
    beta = 0.0;
    gamma = 0.0;
    let first = pair * PAIR_THREADS;
    for (var t = first; t < first + PAIR_THREADS; t++) {
      alpha += partial[t];
      beta += partial_beta[t];
      gamma += partial_gamma[t];
    }
  }
  // sqrt(α)·sqrt(β) rather than sqrt(αβ): the product of two small norms would underflow.
  if (!real_pair || abs(gamma) <= max(TOL * sqrt(alpha) * sqrt(beta), gamma_floor)) { return; }
  // t = tan θ, the smaller root of t² + 2ζt − 1 = 0; for |ζ| > 2¹² the f32 sqrt(1 + ζ²) is |ζ|
  // anyway, and skipping ζ² keeps it from overflowing.
  let zeta = (beta - alpha) / (2.0 * gamma);
  let root = select(sqrt(1.0 + zeta * zeta), abs(zeta), abs(zeta) > 4096.0);
  let t = select(1.0, -1.0, zeta < 0.0) / (abs(zeta) + root);
  let c0 = 1.0 / sqrt(1.0 + t * t);
  let s0 = c0 * t;
  // GPU division and sqrt may be off by a few ulp (Vulkan allows 2.5–3), and c² + s² ≠ 1 scales
  // both columns; over the hundreds of rotations a column sees that drift dominated the error
  // (5e-6·σ₁ at 64×64). One Newton step towards c² + s² = 1 (fma keeps the sum exact enough)
  // brings it to the rounding of the rotation itself (2e-6·σ₁).
  let fix = 1.5 - 0.5 * fma(c0, c0, s0 * s0);
  let c = c0 * fix;
  let s = s0 * fix;
  for (var i = lane; i < m; i += PAIR_THREADS) {
    let x = load(p * m + i);
    let y = load(q * m + i);
    store(p * m + i, c * x - s * y);
    store(q * m + i, s * x + c * y);
  }
  if (WANT_VECTORS) {
    let v_base = m * R;
    for (var i = lane; i < R; i += PAIR_THREADS) {
      let x = load(v_base + p * R + i);
      let y = load(v_base + q * R + i);
      store(v_base + p * R + i, c * x - s * y);
      store(v_base + q * R + i, s * x + c * y);
    }
  }
  if (lane == 0u) { atomicStore(&rotated, 1u); }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x + wid.y * groups.x;
  if (b >= BATCH) { return; }
  let m = max(ROWS, COLS);
  let loaded = load_matrix(b, lid);
  if (!loaded.ok) {
    write_nan(b, lid);
    return;
  }
  let transposed = ROWS < COLS;
  let e = loaded.exponent;

  // ‖W‖²_F for the absolute convergence floor.
  var squares = 0.0;
  for (var k = lid; k < ROWS * COLS; k += WG) {
    let x = load(work_index(k));
    squares = fma(x, x, squares);
  }
  partial[lid] = squares;
  workgroupBarrier();
  if (lid == 0u) {
    var frobenius2 = 0.0;
    for (var t = 0u; t < WG; t++) { frobenius2 += partial[t]; }
    gamma_floor = ABS_TOL * ABS_TOL * frobenius2 / f32(R);
  }
  if (WANT_VECTORS) {
    for (var k = lid; k < R * R; k += WG) {
      store(m * R + k, select(0.0, 1.0, k / R == k % R));
    }
  }
  sync();

  let rounds = R + (R & 1u) - 1u;
  var sweep_count = 0u;
  var converged = false;
  loop {
    if (sweep_count == MAX_SWEEPS) { break; }
    sweep_count += 1u;
    for (var k = 0u; k < rounds; k++) {
      rotate_pair(lid, k);
      sync();
    }
    if (lid == 0u) {
      flag = atomicLoad(&rotated);
      atomicStore(&rotated, 0u);
    }
    if (workgroupUniformLoad(&flag) == 0u) {
      converged = true;
      break;
    }
  }

  // Column norms, then each column's place in descending order.
  for (var j = lid; j < R; j += WG) {
    var sum = 0.0;
    for (var i = 0u; i < m; i++) {
      let x = load(j * m + i);
      sum = fma(x, x, sum);
    }
    norms[j] = sqrt(sum);
  }
  workgroupBarrier();
  for (var j = lid; j < R; j += WG) {
    let sigma = norms[j];
    var place = 0u;
    for (var i = 0u; i < R; i++) {
      let other = norms[i];
      if (other > sigma || (other == sigma && i < j)) { place += 1u; }
    }
    order[place] = j;
    values[OUT_OFFSET + b * R + place] = ldexp(sigma, e);
  }
  if (WANT_SWEEPS && lid == 0u) {
    sweeps[b] = select(MAX_SWEEPS + 1u, sweep_count, converged);
  }
  if (!WANT_VECTORS) { return; }
  workgroupBarrier();

  // Output entry (i, c) comes from column order[c]: normalised W for the M-row factor, V_w for
  // the R-row one.
  let left_base = select(b * ROWS * R, b * COLS * R, transposed);
  for (var k = lid; k < m * R; k += WG) {
    let j = order[k % R];
    let sigma = norms[j];
    let x = select(0.0, load(j * m + k / R) / sigma, sigma > 0.0);
    if (transposed) { v[left_base + k] = x; } else { u[left_base + k] = x; }
  }
  let right_base = select(b * COLS * R, b * ROWS * R, transposed);
  for (var k = lid; k < R * R; k += WG) {
    let x = load(m * R + order[k % R] * R + k / R);
    if (transposed) { u[right_base + k] = x; } else { v[right_base + k] = x; }
  }
}

fn write_nan(b: u32, lid: u32) {
  let nan = nan_from(lid);
  for (var i = lid; i < R; i += WG) { values[OUT_OFFSET + b * R + i] = nan; }
  if (WANT_SWEEPS && lid == 0u) { sweeps[b] = 0u; }
  if (WANT_VECTORS) {
    for (var k = lid; k < ROWS * R; k += WG) { u[b * ROWS * R + k] = nan; }
    for (var k = lid; k < COLS * R; k += WG) { v[b * COLS * R + k] = nan; }
  }
}
