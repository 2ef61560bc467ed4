/**
 * Float64 dense matrices for the CPU reference and the analysis: row-major, like the GPU buffers
 * (SPEC §1), so a GPU readback compares element by element.
 */
import { invariant } from '../errors.js';
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: number[][]): Matrix {
  const r = rows.length;
  const c = r ? rows[0]!.length : 0;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    invariant(row.length === c, () => `fromRows: row ${i} has ${row.length} entries, expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

export function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

export function fromArray(rows: number, cols: number, values: ArrayLike<number>, offset = 0): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < rows * cols; i++) m.data[i] = values[offset + i]!;
  return m;
}

export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

export function transpose(m: Matrix): Matrix {
  const t = zeros(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j]!;
  return t;
}

/** op(A)·op(B), op = transpose when the flag is set. */
export function matmul(a: Matrix, b: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  invariant(k === kb, () => `matmul: inner dimensions ${k} and ${kb} differ`);
  const out = zeros(m, n);
  const ad = a.data;
  const bd = b.data;
  const od = out.data;
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? ad[p * a.cols + i]! : ad[i * a.cols + p]!;
      if (aip === 0) continue;
      const row = i * n;
      if (transB) for (let j = 0; j < n; j++) od[row + j]! += aip * bd[j * b.cols + p]!;
      else {
        const brow = p * n;
        for (let j = 0; j < n; j++) od[row + j]! += aip * bd[brow + j]!;
      }
    }
  }
  return out;
}

/** Product of a list of matrices, left to right: product([A, B, C]) = A·B·C. */
export function product(factors: Matrix[], size?: number): Matrix {
  if (factors.length === 0) {
    invariant(size !== undefined, () => 'product: empty list needs the identity size');
    return identity(size);
  }
  return factors.slice(1).reduce((acc, f) => matmul(acc, f), factors[0]!);
}

/** a·x + b·y elementwise. */
export function combine(a: number, x: Matrix, b: number, y: Matrix): Matrix {
  assertSameShape(x, y, 'combine');
  const out = zeros(x.rows, x.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a * x.data[i]! + b * y.data[i]!;
  return out;
}

export function sub(x: Matrix, y: Matrix): Matrix {
  return combine(1, x, -1, y);
}

export function scale(x: Matrix, s: number): Matrix {
  return { rows: x.rows, cols: x.cols, data: x.data.map((v) => v * s) };
}

export function dot(x: Matrix, y: Matrix): number {
  assertSameShape(x, y, 'dot');
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += x.data[i]! * y.data[i]!;
  return s;
}

export function frobenius(x: Matrix): number {
  return Math.sqrt(dot(x, x));
}

/** Largest absolute entry of x − y. */
export function maxAbsDiff(x: Matrix, y: Matrix): number {
  assertSameShape(x, y, 'maxAbsDiff');
  let d = 0;
  for (let i = 0; i < x.data.length; i++) d = Math.max(d, Math.abs(x.data[i]! - y.data[i]!));
  return d;
}

function assertSameShape(x: Matrix, y: Matrix, what: string): void {
  invariant(
    x.rows === y.rows && x.cols === y.cols,
    () => `${what}: shapes ${x.rows}×${x.cols} and ${y.rows}×${y.cols} differ`,
  );
}
