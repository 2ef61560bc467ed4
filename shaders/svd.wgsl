// Batched thin SVD by one-sided Jacobi (Hestenes) rotations, one workgroup per matrix.
//
// Matrix b is ROWS×COLS, row-major at input[IN_OFFSET + b*IN_STRIDE]. The kernel orthogonalises
// the R = min(ROWS, COLS) columns of the working matrix W (M = max(ROWS, COLS) rows): W = A, or
// W = Aᵀ when ROWS < COLS, so the rotations always act on the short side. Rotations V_w applied
// in place turn W into W·V_w; converged, its columns are orthogonal and their norms are the
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
// PRECONDITION (values only; Drmač & Veselić's preconditioned Jacobi): W = Q·R_W is factored first
// by Householder reflections, then the columns of R_Wᵀ (R×R) are orthogonalised instead of W's.
// σ(R_Wᵀ) = σ(W), and for the graded spectra of trained deep products R_Wᵀ starts much closer to
// column-orthogonal: the benchmark's 64×64 and 256×256 end-to-end matrices take 7–9 sweeps
// instead of 13–25, for about a quarter sweep's work. R_Wᵀ is not copied: once the reflections
// have run, its column p is row p of W's top R×R block, read with stride M.
//
// W (and V_w when WANT_VECTORS) live in workgroup memory when IN_WORKGROUP (the host checks the
// device limit), otherwise in this workgroup's slice of `scratch`.
//
// Outputs, sorted by descending singular value (ties by column index):
//   values[OUT_OFFSET + b*R + i]  σ_i
//   u[b*ROWS*R ..] (ROWS×R row-major), v[b*COLS*R ..] (COLS×R) when WANT_VECTORS: A = U diag(σ) Vᵀ.
//     The side that comes from V_w (V, or U for ROWS < COLS) is exactly a product of rotations and
//     always orthonormal; the side from normalising W's columns has a zero column where σ_i = 0.
//   sweeps[b] when WANT_SWEEPS: sweeps run, the last one rotation-free; MAX_SWEEPS + 1 when it
//     stopped at the limit unconverged.
// A matrix with a non-finite entry gets NaN for every output (and 0 sweeps).

override ROWS: u32;
override COLS: u32;
// min(ROWS, COLS), passed in because workgroup array sizes must be a plain override name.
override R: u32;
override BATCH: u32;
override IN_STRIDE: u32;
override IN_OFFSET: u32 = 0u;
// Where matrix 0's values go in `values` (a record ring slot).
override OUT_OFFSET: u32 = 0u;
override WANT_VECTORS: bool = false;
override WANT_SWEEPS: bool = false;
override PRECONDITION: bool = false;
override IN_WORKGROUP: bool = true;
// Floats of working storage per matrix: M·R for W, plus R·R for V_w with vectors.
override WORK_FLOATS: u32;
// Length of the workgroup copy: WORK_FLOATS when IN_WORKGROUP, else 1 (unused).
override SHARED_FLOATS: u32;
override PAIR_THREADS: u32 = 1u;
// Workgroup size: PAIR_THREADS · R'/2.
override WG: u32;
override TOL: f32 = 1e-6;
// A pair also counts as orthogonal when |γ| ≤ ABS_TOL²·‖A‖²_F / R: the Gram matrix's remaining
// off-diagonal then has norm ≤ ABS_TOL²·‖A‖²_F, which moves no singular value by more than
// ABS_TOL·‖A‖_F. Columns at the f32 noise floor (the tiny singular values of a deep product)
// would otherwise keep failing the relative test.
override ABS_TOL: f32 = 1e-7;
override MAX_SWEEPS: u32 = 30u;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> u: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(5) var<storage, read_write> sweeps: array<u32>;

var<workgroup> work: array<f32, SHARED_FLOATS>;
// Per-invocation partial sums of α, β, γ (and the reductions at load time and in the QR).
var<workgroup> part_a: array<f32, WG>;
var<workgroup> part_b: array<f32, WG>;
var<workgroup> part_g: array<f32, WG>;
// R_W's diagonal during the QR; the σ_j at the end.
var<workgroup> norms: array<f32, R>;
// order[i] = the column holding the i-th largest singular value.
var<workgroup> order: array<u32, R>;
// Set when a pair rotates; workgroup memory starts zeroed, invocation 0 clears it per sweep.
var<workgroup> rotated: atomic<u32>;
// Written by invocation 0, read by all through workgroupUniformLoad (uniform control flow).
var<workgroup> flag: u32;
var<workgroup> exponent: i32;
// ABS_TOL²·‖A‖²_F / R for the scaled matrix.
var<workgroup> gamma_floor: f32;

var<private> work_base: u32;
// 2/vᵀv of the current Householder reflection (0: the identity).
var<workgroup> reflector_scale: f32;

fn load(i: u32) -> f32 {
  if (IN_WORKGROUP) { return work[i]; }
  return scratch[work_base + i];
}

fn store(i: u32, x: f32) {
  if (IN_WORKGROUP) { work[i] = x; } else { scratch[work_base + i] = x; }
}

// Rows of the matrix whose columns the rotations orthogonalise, and where its entry (row, col) is.
fn column_length() -> u32 {
  if (PRECONDITION) { return R; }
  return max(ROWS, COLS);
}

fn element(col: u32, row: u32) -> u32 {
  let m = max(ROWS, COLS);
  if (PRECONDITION) { return row * m + col; }
  return col * m + row;
}

fn sync() {
  workgroupBarrier();
  if (!IN_WORKGROUP) { storageBarrier(); }
}

fn is_finite(x: f32) -> bool {
  // WGSL lets compilers assume finite math, so test the exponent bits instead of comparisons.
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// The column at `seat` in round k of the circle method: seat 0 stays, the others move on by k.
fn seat(s: u32, k: u32, even_r: u32) -> u32 {
  if (s == 0u) { return 0u; }
  return 1u + (s - 1u + k) % (even_r - 1u);
}

// One pair of round k: Gram entries over the M rows split among the pair's invocations, then
// the rotation that zeroes γ applied to both columns of W (and V_w).
fn rotate_pair(lid: u32, k: u32) {
  let len = column_length();
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
    for (var i = lane; i < len; i += PAIR_THREADS) {
      let x = load(element(p, i));
      let y = load(element(q, i));
      alpha = fma(x, x, alpha);
      beta = fma(y, y, beta);
      gamma = fma(x, y, gamma);
    }
  }
  if (PAIR_THREADS > 1u) {
    part_a[lid] = alpha;
    part_b[lid] = beta;
    part_g[lid] = gamma;
    workgroupBarrier();
    // Every invocation of the pair adds the same partials in the same order: identical results.
    alpha = 0.0;
    beta = 0.0;
    gamma = 0.0;
    let first = pair * PAIR_THREADS;
    for (var t = first; t < first + PAIR_THREADS; t++) {
      alpha += part_a[t];
      beta += part_b[t];
      gamma += part_g[t];
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
  for (var i = lane; i < len; i += PAIR_THREADS) {
    let x = load(element(p, i));
    let y = load(element(q, i));
    store(element(p, i), c * x - s * y);
    store(element(q, i), s * x + c * y);
  }
  if (WANT_VECTORS) {
    let v_base = max(ROWS, COLS) * R;
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
  let transposed = ROWS < COLS;
  work_base = b * WORK_FLOATS;

  // Load W column-major (column j at j·M) and find the largest magnitude.
  let in_base = IN_OFFSET + b * IN_STRIDE;
  var largest = 0.0;
  var finite = true;
  for (var k = lid; k < ROWS * COLS; k += WG) {
    let x = input[in_base + k];
    let row = k / COLS;
    let col = k % COLS;
    store(select(col * m + row, row * m + col, transposed), x);
    finite = finite && is_finite(x);
    largest = max(largest, abs(x));
  }
  part_a[lid] = largest;
  part_b[lid] = select(1.0, 0.0, finite);
  workgroupBarrier();
  if (lid == 0u) {
    var all_largest = 0.0;
    var any_bad = 0.0;
    for (var t = 0u; t < WG; t++) {
      all_largest = max(all_largest, part_a[t]);
      any_bad = max(any_bad, part_b[t]);
    }
    flag = select(1u, 0u, any_bad > 0.0);
    exponent = frexp(all_largest).exp;
  }
  if (workgroupUniformLoad(&flag) == 0u) {
    write_nan(b, lid);
    return;
  }

  // Scale by 2^−exponent (exact) so the largest entry is in [½, 1): squared norms of tiny
  // matrices (small initialisations, deep products) then neither underflow nor overflow. Each
  // invocation rescales the entries it loaded itself, so no barrier is needed.
  let e = exponent;
  var squares = 0.0;
  for (var k = lid; k < ROWS * COLS; k += WG) {
    let row = k / COLS;
    let col = k % COLS;
    let at = select(col * m + row, row * m + col, transposed);
    let x = ldexp(load(at), -e);
    store(at, x);
    squares = fma(x, x, squares);
  }
  part_g[lid] = squares;
  workgroupBarrier();
  if (lid == 0u) {
    var frobenius2 = 0.0;
    for (var t = 0u; t < WG; t++) { frobenius2 += part_g[t]; }
    gamma_floor = ABS_TOL * ABS_TOL * frobenius2 / f32(R);
  }
  if (WANT_VECTORS) {
    for (var k = lid; k < R * R; k += WG) {
      store(m * R + k, select(0.0, 1.0, k / R == k % R));
    }
  }
  sync();

  if (PRECONDITION) { householder_qr(lid); }

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
    for (var i = 0u; i < column_length(); i++) {
      let x = load(element(j, i));
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
  // A NaN literal is a WGSL compile error; min(lid, 0) makes the bit pattern a runtime value.
  let nan = bitcast<f32>(0x7fc00000u + min(lid, 0u));
  for (var i = lid; i < R; i += WG) { values[OUT_OFFSET + b * R + i] = nan; }
  if (WANT_SWEEPS && lid == 0u) { sweeps[b] = 0u; }
  if (WANT_VECTORS) {
    for (var k = lid; k < ROWS * R; k += WG) { u[b * ROWS * R + k] = nan; }
    for (var k = lid; k < COLS * R; k += WG) { v[b * COLS * R + k] = nan; }
  }
}

// W = Q·R_W in place (Q is not kept): reflection j zeroes column j below the diagonal. R_W's
// diagonal goes to `norms` meanwhile; at the end the top R×R block is made exactly R_W (diagonal
// in place, the reflectors below it cleared), the matrix whose rows the Jacobi rotations then
// orthogonalise. Each column's dot product runs in one invocation in row order: deterministic.
fn householder_qr(lid: u32) {
  let m = max(ROWS, COLS);
  for (var j = 0u; j < R; j++) {
    var below = 0.0;
    for (var i = j + 1u + lid; i < m; i += WG) {
      let x = load(j * m + i);
      below = fma(x, x, below);
    }
    part_a[lid] = below;
    sync();
    if (lid == 0u) {
      var sum = 0.0;
      for (var t = 0u; t < WG; t++) { sum += part_a[t]; }
      let x0 = load(j * m + j);
      // α = −sign(x₀)·‖x‖ keeps v₀ = x₀ − α free of cancellation.
      let norm = sqrt(fma(x0, x0, sum));
      let alpha = select(-norm, norm, x0 < 0.0);
      let v0 = x0 - alpha;
      let vtv = fma(v0, v0, sum);
      norms[j] = alpha;
      store(j * m + j, v0);
      reflector_scale = select(0.0, 2.0 / vtv, vtv > 0.0);
    }
    sync();
    let scale = reflector_scale;
    for (var k = j + 1u + lid; k < R; k += WG) {
      var dot = 0.0;
      for (var i = j; i < m; i++) { dot = fma(load(j * m + i), load(k * m + i), dot); }
      let f = dot * scale;
      for (var i = j; i < m; i++) { store(k * m + i, load(k * m + i) - f * load(j * m + i)); }
    }
    sync();
  }
  for (var k = lid; k < R * R; k += WG) {
    let row = k / R;
    let col = k % R;
    if (row > col) { store(col * m + row, 0.0); }
    if (row == col) { store(col * m + row, norms[col]); }
  }
  sync();
}
