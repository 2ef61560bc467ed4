/**
 * Float64 QR and SVD for the CPU reference, initialisation and analysis. One-sided Jacobi SVD:
 * slower than Golub–Kahan but accurate to high relative precision for small singular values,
 * which is what low-rank DLN spectra need, and the same algorithm the WGSL kernel runs in f32.
 */
import { hypot } from '../exact-math.js';
import { type Matrix, transpose, zeros } from './matrix.js';
import { invariant } from '../errors.js';

export interface Svd {
  /** rows × r, orthonormal columns (r = min(rows, cols)). */
  u: Matrix;
  /** r singular values, descending. */
  s: Float64Array;
  /** cols × r, orthonormal columns. */
  v: Matrix;
}

/** Thin SVD A = U diag(s) Vᵀ by one-sided Jacobi rotations on the columns. */
export function svd(a: Matrix, tolerance = 1e-15, maxSweeps = 100): Svd {
  if (a.rows < a.cols) {
    const t = svd(transpose(a), tolerance, maxSweeps);
    return { u: t.v, s: t.s, v: t.u };
  }
  const m = a.rows;
  const n = a.cols;
  // Work on columns: w = A (m×n, stored column-major here for locality), v = I (n×n).
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a.data[i * n + j]!;
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const wp = w[p * m + i]!;
          const wq = w[q * m + i]!;
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= tolerance * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const wp = w[p * m + i]!;
          const wq = w[q * m + i]!;
          w[p * m + i] = c * wp - s * wq;
          w[q * m + i] = s * wp + c * wq;
        }
        for (let i = 0; i < n; i++) {
          const vp = v[p * n + i]!;
          const vq = v[q * n + i]!;
          v[p * n + i] = c * vp - s * vq;
          v[q * n + i] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const x = w[j * m + i]!;
      s += x * x;
    }
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const u = zeros(m, n);
  const vOut = zeros(n, n);
  const s = new Float64Array(n);
  order.forEach((j, col) => {
    const sigma = norms[j]!;
    s[col] = sigma;
    for (let i = 0; i < m; i++) u.data[i * n + col] = sigma > 0 ? w[j * m + i]! / sigma : 0;
    for (let i = 0; i < n; i++) vOut.data[i * n + col] = v[j * n + i]!;
  });
  completeOrthonormalColumns(u, s);
  return { u, s, v: vOut };
}

export function singularValues(a: Matrix): Float64Array {
  return svd(a).s;
}

/**
 * Columns of U belonging to zero singular values are zero after Jacobi; replace them with an
 * orthonormal completion so U always has orthonormal columns (Gram–Schmidt against unit vectors).
 */
function completeOrthonormalColumns(u: Matrix, s: Float64Array): void {
  const { rows: m, cols: n } = u;
  let candidate = 0;
  for (let col = 0; col < n; col++) {
    if (s[col]! > 0) continue;
    while (candidate < m) {
      const x = new Float64Array(m);
      x[candidate++] = 1;
      for (let other = 0; other < n; other++) {
        if (other === col || (s[other]! === 0 && other > col)) continue;
        let d = 0;
        for (let i = 0; i < m; i++) d += u.data[i * n + other]! * x[i]!;
        for (let i = 0; i < m; i++) x[i] = x[i]! - d * u.data[i * n + other]!;
      }
      const norm = hypot(x);
      if (norm > 1e-8) {
        for (let i = 0; i < m; i++) u.data[i * n + col] = x[i]! / norm;
        break;
      }
    }
  }
}

/**
 * Q with orthonormal columns from the Householder QR of A (rows ≥ cols), signs fixed so that R has
 * a positive diagonal: then Q is Haar-distributed when A has i.i.d. Gaussian entries.
 */
export function orthonormalColumns(a: Matrix): Matrix {
  const m = a.rows;
  const n = a.cols;
  invariant(m >= n, () => `orthonormalColumns: need rows ≥ cols, got ${m}×${n}`);
  const r = a.data.slice();
  const vs: Float64Array[] = [];
  const signs: number[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) {
      const x = r[i * n + k]!;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    const x0 = r[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    const vk = new Float64Array(m);
    for (let i = k; i < m; i++) vk[i] = r[i * n + k]!;
    vk[k] = vk[k]! - alpha;
    const vnorm2 = vk.reduce((s, x) => s + x * x, 0);
    if (vnorm2 > 0) {
      for (let j = k; j < n; j++) {
        let d = 0;
        for (let i = k; i < m; i++) d += vk[i]! * r[i * n + j]!;
        const f = (2 * d) / vnorm2;
        for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - f * vk[i]!;
      }
    }
    vs.push(vk);
    signs.push(Math.sign(r[k * n + k]!) || 1);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = zeros(m, n);
  for (let j = 0; j < n; j++) q.data[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const vk = vs[k]!;
    const vnorm2 = vk.reduce((s, x) => s + x * x, 0);
    if (vnorm2 === 0) continue;
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += vk[i]! * q.data[i * n + j]!;
      const f = (2 * d) / vnorm2;
      for (let i = k; i < m; i++) q.data[i * n + j] = q.data[i * n + j]! - f * vk[i]!;
    }
  }
  for (let j = 0; j < n; j++) if (signs[j]! < 0) for (let i = 0; i < m; i++) q.data[i * n + j] = -q.data[i * n + j]!;
  return q;
}

/** Full SVD: U (rows × rows) and V (cols × cols) orthogonal, s the r = min(rows, cols) singular values. */
export interface FullSvd {
  /** rows × rows; the first r columns are the thin SVD's U. */
  u: Matrix;
  /** r singular values, descending; σ_i = 0 for the padded indices i ≥ r. */
  s: Float64Array;
  /** cols × cols; the first r columns are the thin SVD's V. */
  v: Matrix;
}

/**
 * A = U diag(s, padded with zeros) Vᵀ with square orthogonal U and V: the thin SVD with both
 * factors completed to orthonormal bases. Operators that act on the whole space (SPEC §6's A_N,
 * whose padded rows and columns carry σ = 0 multipliers) need the complement explicitly.
 */
export function fullSvd(a: Matrix): FullSvd {
  const { u, s, v } = svd(a);
  return { u: completeToBasis(u), s, v: completeToBasis(v) };
}

/**
 * Extends orthonormal columns Q (m × r) to an orthogonal m × m matrix. Each new column starts
 * from the unit vector e_i least covered by the columns so far (largest 1 − Σ_c Q_ic², at least
 * (m − c)/m), so the Gram–Schmidt step never divides by a small norm; projecting twice
 * ("twice is enough") keeps the result orthogonal to working precision.
 */
function completeToBasis(q: Matrix): Matrix {
  const { rows: m, cols: r } = q;
  if (r === m) return q;
  const out = zeros(m, m);
  for (let i = 0; i < m; i++) for (let c = 0; c < r; c++) out.data[i * m + c] = q.data[i * r + c]!;
  for (let col = r; col < m; col++) {
    let best = 0;
    let bestUncovered = -1;
    for (let i = 0; i < m; i++) {
      let covered = 0;
      for (let c = 0; c < col; c++) {
        const x = out.data[i * m + c]!;
        covered += x * x;
      }
      if (1 - covered > bestUncovered) {
        bestUncovered = 1 - covered;
        best = i;
      }
    }
    const x = new Float64Array(m);
    x[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c < col; c++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += out.data[i * m + c]! * x[i]!;
        for (let i = 0; i < m; i++) x[i] = x[i]! - d * out.data[i * m + c]!;
      }
    }
    const norm = hypot(x);
    for (let i = 0; i < m; i++) out.data[i * m + col] = x[i]! / norm;
  }
  return out;
}
