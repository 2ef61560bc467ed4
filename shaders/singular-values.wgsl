// Batched singular values (no vectors) by Householder bidiagonalisation and multisection, one
// workgroup per matrix.
//
// Compiled after work-matrix.wgsl (the overrides, bindings, and the scaled working matrix W).
//
//  1. Golub–Kahan bidiagonalisation: alternating Householder reflections from the left (zeroing
//     column j below the diagonal) and from the right (zeroing row j right of the superdiagonal)
//     leave W = Q·B·Pᵀ with B upper bidiagonal, diagonal d and superdiagonal e. It is backward
//     stable: σ(B) are the exact singular values of a matrix within a few ε·‖A‖ of A. About
//     (8/3)·n³ flops for n×n, a fraction of one Jacobi sweep's (6·n³), and never more.
//  2. The singular values of B are the positive eigenvalues of the 2R×2R Golub–Kahan matrix, the
//     symmetric tridiagonal with zero diagonal and off-diagonal (d₀, e₀, d₁, e₁, …, d_{R−1}).
//     Invocation k finds the k-th largest on its own by multisection with Sturm counts (the number
//     of negative pivots of T − x·I, four points at a time), so the values come out sorted and
//     need no communication.
//
// Every sum runs in a fixed order and no atomics are used: the same bits on every run.
// Outputs: values[OUT_OFFSET + b*R + k] = σ_k, descending. A matrix with a non-finite entry gets
// NaN for every value.

// Multisection stops when the bracket is within REL_TOL of its upper end, or below ABS_TOL·‖B‖_F
// (values that small are rounding noise of the bidiagonalisation anyway).
override REL_TOL: f32 = 2.4e-7;
override ABS_TOL: f32 = 1e-9;
// 5^42 > 2^96: as far as 96 halvings would go.
override MAX_PASSES: u32 = 42u;

var<workgroup> diag: array<f32, R>;
var<workgroup> superdiag: array<f32, R>;
var<workgroup> sigma: array<f32, R>;
// Squares of the Golub–Kahan off-diagonal (d₀², e₀², d₁², …): all a Sturm count reads, so its
// inner loop is one load, one division and no branch on which of d, e comes next.
var<workgroup> offdiag_squared: array<f32, 2u * R>;
// ‖B‖_F and the smallest pivot magnitude allowed in the Sturm counts.
var<workgroup> bound: f32;
var<workgroup> pivot_floor: f32;

// A Householder reflection I − scale·v·vᵀ mapping x = (x₀, x₁, …) to (α, 0, …), v = x − α·e₀.
// Only α (an entry of B) is kept: the values need neither Q nor P, so v is never stored; the
// updates use v₀ from here and x₁, x₂, … in place.
struct Reflection {
  alpha: f32,
  // 2/vᵀv; 0 when x is already (x₀, 0, …) and nothing needs reflecting.
  scale: f32,
  v0: f32,
}

// The reflection of the `count` entries at first, first + stride, …. Every invocation computes it
// alone, with the same loads in the same order (the same bits): a reduction over the workgroup
// would cost two barriers, and on software adapters barriers, not loads, dominate at these sizes.
fn reflection(first: u32, stride: u32, count: u32) -> Reflection {
  var below = 0.0;
  for (var i = 1u; i < count; i++) {
    let x = load(first + i * stride);
    below = fma(x, x, below);
  }
  let x0 = load(first);
  if (below == 0.0) { return Reflection(x0, 0.0, x0); }
  // α = −sign(x₀)·‖x‖ keeps v₀ = x₀ − α free of cancellation.
  let norm = sqrt(fma(x0, x0, below));
  let alpha = select(-norm, norm, x0 < 0.0);
  let v0 = x0 - alpha;
  return Reflection(alpha, 2.0 / fma(v0, v0, below), v0);
}

// Entries at four indices of W.
fn load4(at: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(load(at.x), load(at.y), load(at.z), load(at.w));
}

// W[at] −= delta for the first `count` of the four indices (the rest are clamped repeats).
fn subtract4(at: vec4<u32>, count: u32, delta: vec4<f32>) {
  store(at.x, load(at.x) - delta.x);
  if (count > 1u) { store(at.y, load(at.y) - delta.y); }
  if (count > 2u) { store(at.z, load(at.z) - delta.z); }
  if (count > 3u) { store(at.w, load(at.w) - delta.w); }
}

// Four consecutive indices from `first`, those past `last` clamped to it (read, never written).
fn four_from(first: u32, last: u32) -> vec4<u32> {
  return min(vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last));
}

// Golub–Kahan bidiagonalisation of the scaled W into diag/superdiag. Each invocation updates four
// columns (rows) at a time, so every load of v serves four of them: software adapters pay per load
// and per loop iteration far more than per flop. Two barriers per column: each reflection reads
// what the other side's update wrote, by other invocations.
fn bidiagonalise(lid: u32) {
  let m = max(ROWS, COLS);
  for (var j = 0u; j < R; j++) {
    // From the left: column j, rows j..M−1, applied to columns j+1..R−1.
    let left = reflection(j * m + j, 1u, m - j);
    if (lid == 0u) { diag[j] = left.alpha; }
    if (left.scale != 0.0) {
      for (var k0 = j + 1u + 4u * lid; k0 < R; k0 += 4u * WG) {
        let columns = four_from(k0, R - 1u) * m;
        var dot = left.v0 * load4(columns + j);
        for (var i = j + 1u; i < m; i++) { dot = fma(vec4<f32>(load(j * m + i)), load4(columns + i), dot); }
        let f = dot * left.scale;
        subtract4(columns + j, R - k0, f * left.v0);
        for (var i = j + 1u; i < m; i++) { subtract4(columns + i, R - k0, f * load(j * m + i)); }
      }
    }
    sync();
    if (j + 1u < R) {
      // From the right: row j, columns j+1..R−1, applied to rows j+1..M−1.
      let right = reflection((j + 1u) * m + j, m, R - j - 1u);
      if (lid == 0u) { superdiag[j] = right.alpha; }
      if (right.scale != 0.0) {
        for (var i0 = j + 1u + 4u * lid; i0 < m; i0 += 4u * WG) {
          let rows = four_from(i0, m - 1u);
          var dot = right.v0 * load4((j + 1u) * m + rows);
          for (var k = j + 2u; k < R; k++) { dot = fma(vec4<f32>(load(k * m + j)), load4(k * m + rows), dot); }
          let f = dot * right.scale;
          subtract4((j + 1u) * m + rows, m - i0, f * right.v0);
          for (var k = j + 2u; k < R; k++) { subtract4(k * m + rows, m - i0, f * load(k * m + j)); }
        }
      }
      sync();
    }
  }
}

// Off-diagonal t of the Golub–Kahan matrix: d₀, e₀, d₁, e₁, …
fn golub_kahan(t: u32) -> f32 {
  if ((t & 1u) == 0u) { return diag[t / 2u]; }
  return superdiag[t / 2u];
}

// How many singular values of B are below each of four points x > 0: the negative pivots of
// T − x·I number R (the eigenvalues −σ_i) plus those σ_i < x. The four recurrences are
// independent, so their divisions overlap instead of waiting on one another.
fn count_below(x: vec4<f32>) -> vec4<u32> {
  let floor = vec4<f32>(pivot_floor);
  let one = vec4<u32>(1u);
  let zero = vec4<u32>(0u);
  var q = -x;
  var negatives = select(zero, one, q < vec4<f32>(0.0));
  for (var t = 0u; t + 1u < 2u * R; t++) {
    q = -x - offdiag_squared[t] / q;
    // A zero pivot would divide by zero next; LAPACK's stebz nudges it to −pivmin likewise.
    q = select(q, -floor, abs(q) < floor);
    negatives += select(zero, one, q < vec4<f32>(0.0));
  }
  // max: never wrap around should rounding lose a negative pivot.
  return max(negatives, vec4<u32>(R)) - vec4<u32>(R);
}

// σ_k (k = 0 the largest) by multisection on [0, ‖B‖_F]: four Sturm counts cut the bracket into
// five, so it shrinks 5× per pass where bisection's one count halves it.
fn bisect(k: u32) -> f32 {
  let below = R - 1u - k; // σ_k has exactly this many values under it (counting ties apart)
  var lo = 0.0;
  var hi = bound;
  let smallest = ABS_TOL * bound;
  for (var round = 0u; round < MAX_PASSES; round++) {
    if (hi - lo <= max(REL_TOL * hi, smallest)) { break; }
    let x = lo + (hi - lo) * vec4<f32>(0.2, 0.4, 0.6, 0.8);
    // Counts grow with x: σ_k lies in the first section whose upper point has more than `below`.
    let c = count_below(x);
    if (c.x > below) {
      hi = x.x;
    } else if (c.y > below) {
      lo = x.x;
      hi = x.y;
    } else if (c.z > below) {
      lo = x.y;
      hi = x.z;
    } else if (c.w > below) {
      lo = x.z;
      hi = x.w;
    } else {
      lo = x.w;
    }
  }
  return 0.5 * (lo + hi);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x + wid.y * groups.x;
  if (b >= BATCH) { return; }
  let loaded = load_matrix(b, lid);
  if (!loaded.ok) {
    for (var k = lid; k < R; k += WG) { values[OUT_OFFSET + b * R + k] = nan_from(lid); }
    return;
  }

  bidiagonalise(lid);

  if (lid == 0u) {
    var frobenius2 = 0.0;
    var largest_square = 0.0;
    for (var t = 0u; t + 1u < 2u * R; t++) {
      let o = golub_kahan(t);
      offdiag_squared[t] = o * o;
      frobenius2 = fma(o, o, frobenius2);
      largest_square = max(largest_square, o * o);
    }
    bound = sqrt(frobenius2);
    // LAPACK's pivmin: the underflow threshold scaled by the largest squared entry.
    pivot_floor = 1.2e-38 * max(largest_square, 1.0);
  }
  workgroupBarrier();
  for (var k = lid; k < R; k += WG) {
    sigma[k] = select(0.0, bisect(k), bound > 0.0);
  }
  workgroupBarrier();
  if (lid == 0u) {
    // Each multisection converged on its own; near-ties may come out in either order by an ulp.
    for (var k = R - 1u; k > 0u; k--) { sigma[k - 1u] = max(sigma[k - 1u], sigma[k]); }
  }
  workgroupBarrier();
  for (var k = lid; k < R; k += WG) { values[OUT_OFFSET + b * R + k] = ldexp(sigma[k], loaded.exponent); }
}
