/** Test matrices as the GPU sees them: entries rounded to f32, so a Float64 reference is exact for them. */
import { matmul, type Matrix } from '../../src/linalg/matrix.js';
import { gaussianMatrix, haarColumns, Rng } from '../../src/random.js';

/** Entries rounded to f32. */
export function toF32(a: Matrix): Matrix {
  return { rows: a.rows, cols: a.cols, data: a.data.map((x) => Math.fround(x)) };
}

export function gaussian(rows: number, cols: number, seed: number): Matrix {
  return toF32(gaussianMatrix(new Rng(seed, 7), rows, cols));
}

/** Q₁ diag(s) Q₂ᵀ with Haar-random Q₁ (rows×k), Q₂ (cols×k): prescribed singular values s. */
export function withSpectrum(rows: number, cols: number, s: number[], seed: number): Matrix {
  const q1 = haarColumns(new Rng(seed, 8), rows, s.length);
  const q2 = haarColumns(new Rng(seed, 9), cols, s.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < s.length; j++) q1.data[i * s.length + j]! *= s[j]!;
  return toF32(matmul(q1, q2, false, true));
}

/**
 * A batch packed as the GPU kernels read it: matrix b at inputOffset + b·inputStride. Gaps hold NaN,
 * so a kernel reading outside a matrix poisons that matrix's results.
 */
export function packBatch(
  matrices: Matrix[],
  inputOffset = 0,
  inputStride = matrices[0]!.rows * matrices[0]!.cols,
): Float32Array {
  const data = new Float32Array(inputOffset + matrices.length * inputStride).fill(NaN);
  matrices.forEach((a, b) => data.set(a.data, inputOffset + b * inputStride));
  return data;
}
