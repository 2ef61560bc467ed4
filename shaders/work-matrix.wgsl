// Shared by the matrix-decomposition kernels (svd.wgsl, singular-values.wgsl), which their
// wrappers compile with this text in front (src/kernels/workspace.ts): one workgroup per matrix,
// its working copy in workgroup memory or in its slice of a storage scratch buffer.
//
// Matrix b is ROWS×COLS, row-major at input[IN_OFFSET + b*IN_STRIDE]. The working matrix W is
// M×R, M = max(ROWS, COLS), R = min(ROWS, COLS): W = A, or Aᵀ when ROWS < COLS, so the kernels
// always act on the short side. It is kept column-major (column j at j·M), scaled by a power of two
// so that its largest entry is in [½, 1).

override ROWS: u32;
override COLS: u32;
// min(ROWS, COLS), passed in because workgroup array sizes must be a plain override name.
override R: u32;
override BATCH: u32;
override IN_STRIDE: u32;
override IN_OFFSET: u32 = 0u;
// Where matrix 0's values go in `values` (e.g. a record ring slot).
override OUT_OFFSET: u32 = 0u;
override IN_WORKGROUP: bool = true;
// Floats of working storage per matrix (at least M·R for W).
override WORK_FLOATS: u32;
// Length of the workgroup copy: WORK_FLOATS when IN_WORKGROUP, else 1 (unused).
override SHARED_FLOATS: u32;
// Workgroup size.
override WG: u32;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> scratch: array<f32>;

var<workgroup> work: array<f32, SHARED_FLOATS>;
// Per-invocation partial results, reduced by invocation 0 in a fixed order.
var<workgroup> partial: array<f32, WG>;
var<workgroup> partial_bad: array<f32, WG>;
// Written by invocation 0, read by all through workgroupUniformLoad (uniform control flow).
var<workgroup> matrix_ok: u32;
var<workgroup> matrix_exponent: i32;

var<private> work_base: u32;

fn load(i: u32) -> f32 {
  if (IN_WORKGROUP) { return work[i]; }
  return scratch[work_base + i];
}

fn store(i: u32, x: f32) {
  if (IN_WORKGROUP) { work[i] = x; } else { scratch[work_base + i] = x; }
}

fn sync() {
  workgroupBarrier();
  if (!IN_WORKGROUP) { storageBarrier(); }
}

fn is_finite(x: f32) -> bool {
  // WGSL lets compilers assume finite math, so test the exponent bits instead of comparisons.
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// A NaN: a NaN literal is a WGSL compile error, and min(lid, 0) makes the bit pattern a runtime value.
fn nan_from(lid: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u + min(lid, 0u));
}

// Where entry k of matrix b's row-major input goes in W.
fn work_index(k: u32) -> u32 {
  let m = max(ROWS, COLS);
  let row = k / COLS;
  let col = k % COLS;
  if (ROWS < COLS) { return row * m + col; }
  return col * m + row;
}

// Loads matrix b into W and scales it by 2^−e (exact) so that its largest entry is in [½, 1):
// squares of tiny matrices (small initialisations, deep products) then neither underflow nor
// overflow. Returns e, or no value (ok = false) when an entry is not finite. Call in uniform
// control flow; W is ready for every invocation when it returns.
struct Loaded {
  ok: bool,
  exponent: i32,
}

fn load_matrix(b: u32, lid: u32) -> Loaded {
  work_base = b * WORK_FLOATS;
  let in_base = IN_OFFSET + b * IN_STRIDE;
  var largest = 0.0;
  var finite = true;
  for (var k = lid; k < ROWS * COLS; k += WG) {
    let x = input[in_base + k];
    store(work_index(k), x);
    finite = finite && is_finite(x);
    largest = max(largest, abs(x));
  }
  partial[lid] = largest;
  partial_bad[lid] = select(1.0, 0.0, finite);
  workgroupBarrier();
  if (lid == 0u) {
    var all_largest = 0.0;
    var any_bad = 0.0;
    for (var t = 0u; t < WG; t++) {
      all_largest = max(all_largest, partial[t]);
      any_bad = max(any_bad, partial_bad[t]);
    }
    matrix_ok = select(1u, 0u, any_bad > 0.0);
    matrix_exponent = frexp(all_largest).exp;
  }
  let ok = workgroupUniformLoad(&matrix_ok) == 1u;
  let e = workgroupUniformLoad(&matrix_exponent);
  if (ok) {
    // Each invocation rescales the entries it stored itself.
    for (var k = lid; k < ROWS * COLS; k += WG) {
      let at = work_index(k);
      store(at, ldexp(load(at), -e));
    }
  }
  sync();
  return Loaded(ok, e);
}
