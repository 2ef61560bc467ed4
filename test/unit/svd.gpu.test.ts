import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchedSvd,
  SVD_DEFAULT_MAX_SWEEPS,
  svdOutputFloats,
  svdPairThreads,
  type SvdSpec,
} from '../../src/kernels/svd.js';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { DeviceLimitError } from '../../src/errors.js';
import { svd } from '../../src/linalg/decompositions.js';
import { fromArray, matmul, type Matrix } from '../../src/linalg/matrix.js';
import {
  type BatchLayout,
  decompositionBuffers,
  dispatchOnce,
  SENTINEL,
  testGpu,
  withAdapterClass,
} from '../helpers/gpu.js';
import { gaussian, toF32, withSpectrum } from '../helpers/matrices.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

interface Result {
  /** The whole values buffer (valuesOffset sentinels included). */
  values: Float32Array;
  u: Float32Array;
  v: Float32Array;
  sweeps: Uint32Array;
}

/** One dispatch over `matrices` (decompositionBuffers), with sweeps and, on request, vectors. */
async function runSvd(
  matrices: Matrix[],
  options: BatchLayout & Pick<SvdSpec, 'memory' | 'pairThreads' | 'absTolerance'> & { vectors?: boolean } = {},
): Promise<Result> {
  const device = gpu!.device;
  const { batch, rows, cols, inputOffset, inputStride, valuesOffset, input, values, valueFloats } =
    decompositionBuffers(device, matrices, options);
  const floats = svdOutputFloats(batch, rows, cols);
  const sweeps = storageBuffer(device, 'svd sweeps', batch);
  const vectors = options.vectors
    ? { u: storageBuffer(device, 'svd u', floats.u), v: storageBuffer(device, 'svd v', floats.v) }
    : undefined;
  const kernel = new BatchedSvd(device, {
    batch,
    rows,
    cols,
    input,
    inputOffset,
    inputStride,
    values,
    valuesOffset,
    sweeps,
    vectors,
    memory: options.memory,
    pairThreads: options.pairThreads,
    absTolerance: options.absTolerance,
  });
  dispatchOnce(device, kernel);
  const result: Result = {
    values: await readFloats(device, values, valueFloats),
    u: vectors ? await readFloats(device, vectors.u, floats.u) : new Float32Array(),
    v: vectors ? await readFloats(device, vectors.v, floats.v) : new Float32Array(),
    sweeps: new Uint32Array((await readFloats(device, sweeps, batch)).buffer),
  };
  gpu!.throwIfFailed();
  for (const buffer of [input, values, sweeps, vectors?.u, vectors?.v]) buffer?.destroy();
  return result;
}

/** max_i |σ_i − σ_i^ref| / σ₁^ref for matrix b. */
function valueError(result: Result, b: number, reference: Float64Array, valuesOffset = 0): number {
  const r = reference.length;
  let worst = 0;
  for (let i = 0; i < r; i++)
    worst = Math.max(worst, Math.abs(result.values[valuesOffset + b * r + i]! - reference[i]!));
  return worst / reference[0]!;
}

/** Factor b of a batch: X_b (n×r row-major) out of the flat buffer. */
function factor(flat: Float32Array, b: number, n: number, r: number): Matrix {
  return fromArray(n, r, flat, b * n * r);
}

/** max |U diag(s) Vᵀ − A| / σ₁. */
function reconstructionError(u: Matrix, s: ArrayLike<number>, v: Matrix, a: Matrix): number {
  const r = u.cols;
  let worst = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      let sum = 0;
      for (let k = 0; k < r; k++) sum += u.data[i * r + k]! * s[k]! * v.data[j * r + k]!;
      worst = Math.max(worst, Math.abs(sum - a.data[i * a.cols + j]!));
    }
  }
  return worst / s[0]!;
}

/** max |XᵀX − I| over X's first `count` columns. */
function orthogonalityError(x: Matrix, count = x.cols): number {
  const gram = matmul(x, x, true, false);
  let worst = 0;
  for (let i = 0; i < count; i++)
    for (let j = 0; j < count; j++) worst = Math.max(worst, Math.abs(gram.data[i * x.cols + j]! - (i === j ? 1 : 0)));
  return worst;
}

function isDescending(values: ArrayLike<number>, from: number, count: number): boolean {
  for (let i = from + 1; i < from + count; i++) if (values[i]! > values[i - 1]!) return false;
  return true;
}

describe.skipIf(!gpu)('batched Jacobi SVD kernel vs Float64 svd', () => {
  // Measured on SwiftShader: ≤ 1.3e-6·σ₁ up to 32×32, 2.3e-6 at 64×64 (the f32 rounding of a few
  // hundred rotations per column). 1e-5·σ₁ leaves room for other adapters' ulp-level differences.
  const VALUE_TOL = 1e-5;

  for (const n of [8, 16, 32]) {
    it(`random ${n}×${n}: values to 1e-5·σ₁, sorted, converged`, async () => {
      const matrices = [0, 1, 2].map((seed) => gaussian(n, n, 100 * n + seed));
      const result = await runSvd(matrices);
      matrices.forEach((a, b) => {
        expect(valueError(result, b, svd(a).s)).toBeLessThan(VALUE_TOL);
        expect(isDescending(result.values, b * n, n)).toBe(true);
        // Quadratic convergence: a handful of sweeps, far from the cap.
        expect(result.sweeps[b]).toBeGreaterThan(1);
        expect(result.sweeps[b]).toBeLessThanOrEqual(12);
      });
    });
  }

  for (const [rows, cols] of [
    [12, 5],
    [5, 12],
    [30, 17],
    [17, 30],
  ] as const) {
    it(`rectangular ${rows}×${cols} with vectors: values, U diag(s) Vᵀ = A, orthonormal U and V`, async () => {
      const matrices = [0, 1].map((seed) => gaussian(rows, cols, 10 * rows + cols + seed));
      const result = await runSvd(matrices, { vectors: true });
      const r = Math.min(rows, cols);
      matrices.forEach((a, b) => {
        expect(valueError(result, b, svd(a).s)).toBeLessThan(VALUE_TOL);
        const s = result.values.subarray(b * r, (b + 1) * r);
        const u = factor(result.u, b, rows, r);
        const v = factor(result.v, b, cols, r);
        // Reconstruction and orthogonality measured ≤ 2e-6: f32 rounding (~√r·2⁻²⁴ per entry
        // and rotation) plus the 1e-6 stopping angle.
        expect(reconstructionError(u, s, v, a)).toBeLessThan(1e-5);
        expect(orthogonalityError(u)).toBeLessThan(1e-5);
        expect(orthogonalityError(v)).toBeLessThan(1e-5);
      });
    });
  }

  it('exact rank 3 in 64×64: the absolute floor stops rotating f32 noise columns', async () => {
    const a = withSpectrum(64, 64, [3, 2, 1], 23);
    const reference = svd(a).s;
    const floored = await runSvd([a]);
    const relativeOnly = await runSvd([a], { absTolerance: 0 });
    // Both within the accuracy bound; the floor (1e-7·‖A‖_F) costs nothing measurable in accuracy.
    expect(valueError(floored, 0, reference)).toBeLessThan(VALUE_TOL);
    expect(valueError(relativeOnly, 0, reference)).toBeLessThan(VALUE_TOL);
    // Measured on SwiftShader: 6 sweeps against 13.
    expect(floored.sweeps[0]! + 3).toBeLessThanOrEqual(relativeOnly.sweeps[0]!);
  });

  it('rank 2 in 16×16: the 14 zero values come out below 1e-5·σ₁, vectors still reconstruct A', async () => {
    const a = withSpectrum(16, 16, [3, 1.5], 21);
    const result = await runSvd([a], { vectors: true });
    const reference = svd(a).s;
    for (let i = 0; i < 2; i++) expect(Math.abs(result.values[i]! - reference[i]!) / reference[i]!).toBeLessThan(1e-5);
    for (let i = 2; i < 16; i++) expect(result.values[i]!).toBeLessThan(1e-5 * reference[0]!);
    const u = factor(result.u, 0, 16, 16);
    const v = factor(result.v, 0, 16, 16);
    expect(reconstructionError(u, result.values, v, a)).toBeLessThan(1e-5);
    // U's columns for the nonzero values; V is a product of rotations, orthonormal throughout.
    expect(orthogonalityError(u, 2)).toBeLessThan(1e-5);
    expect(orthogonalityError(v)).toBeLessThan(1e-5);
  });

  it('ill-conditioned 16×16 (σ from 1 to 1e-4): large values relative, small ones absolute', async () => {
    const spectrum = Array.from({ length: 16 }, (_, i) => 10 ** ((-4 * i) / 15));
    const a = withSpectrum(16, 16, spectrum, 22);
    const result = await runSvd([a]);
    const reference = svd(a).s;
    for (let i = 0; i < 16; i++) {
      const error = Math.abs(result.values[i]! - reference[i]!);
      // Error is absolute, ~σ₁·1e-7 (measured); relative 1e-5 therefore holds down to σ ≈ 1e-2.
      if (reference[i]! >= 1e-2) expect(error / reference[i]!).toBeLessThan(1e-5);
      else expect(error).toBeLessThan(1e-6 * reference[0]!);
    }
  });

  it('exact zero matrix: zero values in one sweep, V = I and zero U columns', async () => {
    const zero = { rows: 6, cols: 4, data: new Float64Array(24) };
    const result = await runSvd([zero], { vectors: true });
    expect(Array.from(result.values.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(result.sweeps[0]).toBe(1);
    expect(Array.from(result.u)).toEqual(new Array(24).fill(0));
    expect(Array.from(result.v)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('a batch of different matrices in one dispatch, strided input, offset input and output', async () => {
    const matrices = [
      gaussian(9, 7, 31),
      withSpectrum(9, 7, [5, 4, 4, 1e-3], 32),
      { rows: 9, cols: 7, data: new Float64Array(63) },
      toF32({ rows: 9, cols: 7, data: gaussian(9, 7, 33).data.map((x) => 1e4 * x) }),
      withSpectrum(9, 7, [1, 1, 1, 1, 1, 1, 1], 34),
    ];
    const layout = { inputOffset: 13, inputStride: 70, valuesOffset: 5 };
    const result = await runSvd(matrices, layout);
    matrices.forEach((a, b) => {
      const reference = svd(a).s;
      if (reference[0] === 0)
        expect(Array.from(result.values.subarray(5 + 7 * b, 5 + 7 * b + 7))).toEqual(new Array(7).fill(0));
      else expect(valueError(result, b, reference, layout.valuesOffset)).toBeLessThan(VALUE_TOL);
    });
    // Nothing written outside the batch's slots.
    expect(Array.from(result.values.subarray(0, 5))).toEqual(new Array(5).fill(SENTINEL));
    expect(Array.from(result.values.subarray(5 + 35))).toEqual([SENTINEL, SENTINEL, SENTINEL]);
  });

  it('scales out of f32 range of squares: entries ~1e-30 and ~1e30 keep relative accuracy', async () => {
    const base = gaussian(10, 10, 41);
    const reference = svd(base).s;
    for (const scale of [1e-30, 1e30]) {
      const a = toF32({ rows: 10, cols: 10, data: base.data.map((x) => x * scale) });
      const result = await runSvd([a]);
      // Squares of these entries underflow / overflow f32; the kernel's power-of-two prescaling
      // must make the result the scaled spectrum (f32 rounding of the inputs: ~1e-7).
      expect(valueError(result, 0, svd(a).s)).toBeLessThan(VALUE_TOL);
      expect(Math.abs(result.values[0]! / scale / reference[0]! - 1)).toBeLessThan(VALUE_TOL);
    }
  });

  it('a non-finite matrix gets NaN values without disturbing its batch neighbours', async () => {
    const good = gaussian(6, 6, 51);
    const bad = toF32(gaussian(6, 6, 52));
    bad.data[17] = Infinity;
    const result = await runSvd([good, bad, good]);
    expect(Array.from(result.values.subarray(6, 12)).every(Number.isNaN)).toBe(true);
    expect(result.sweeps[1]).toBe(0);
    expect(valueError(result, 0, svd(good).s)).toBeLessThan(VALUE_TOL);
    expect(Array.from(result.values.subarray(12, 18))).toEqual(Array.from(result.values.subarray(0, 6)));
  });

  it('is bit-for-bit reproducible, and storage scratch equals workgroup memory', async () => {
    const matrices = [gaussian(20, 11, 61), gaussian(20, 11, 62)];
    const first = await runSvd(matrices, { vectors: true, memory: 'workgroup', pairThreads: 2 });
    const again = await runSvd(matrices, { vectors: true, memory: 'workgroup', pairThreads: 2 });
    const storage = await runSvd(matrices, { vectors: true, memory: 'storage', pairThreads: 2 });
    for (const other of [again, storage]) {
      expect(other.values).toEqual(first.values);
      expect(other.u).toEqual(first.u);
      expect(other.v).toEqual(first.v);
    }
    // Another split of the dot products (3 invocations per pair, not a power of two) changes
    // roundings only.
    const other = await runSvd(matrices, { pairThreads: 3 });
    expect(valueError(other, 1, svd(matrices[1]!).s)).toBeLessThan(VALUE_TOL);
  });

  it('64×64 with vectors (32 KiB of working data: storage scratch on most devices) stays accurate', async () => {
    const a = gaussian(64, 64, 71);
    const result = await runSvd([a], { vectors: true });
    expect(valueError(result, 0, svd(a).s)).toBeLessThan(VALUE_TOL);
    expect(result.sweeps[0]).toBeLessThanOrEqual(SVD_DEFAULT_MAX_SWEEPS);
    const u = factor(result.u, 0, 64, 64);
    const v = factor(result.v, 0, 64, 64);
    expect(reconstructionError(u, result.values, v, a)).toBeLessThan(1e-5);
    expect(orthogonalityError(u)).toBeLessThan(1e-5);
  });

  it('throws DeviceLimitError when workgroup memory is forced on a matrix that does not fit', () => {
    const device = gpu!.device;
    const side = Math.ceil(Math.sqrt(device.limits.maxComputeWorkgroupStorageSize / 4)) + 1;
    const input = storageBuffer(device, 'big', side * side);
    const values = storageBuffer(device, 'big values', side);
    expect(
      () => new BatchedSvd(device, { batch: 1, rows: side, cols: side, input, values, memory: 'workgroup' }),
    ).toThrow(DeviceLimitError);
    expect(() => new BatchedSvd(device, { batch: 2, rows: side, cols: side, input, values })).toThrow(/holds/);
    input.destroy();
    values.destroy();
  });
});

// Hardware adapters split each column pair's dot products over T ≈ √(M/3) invocations; forced
// here (DLNSIM_FORCE_ADAPTER_CLASS=hardware) so that SwiftShader runs the GPU's choice too.
describe.skipIf(!gpu)('Jacobi SVD with the hardware default pair threads, forced', () => {
  const VALUE_TOL = 1e-5; // as above
  for (const [n, pairThreads] of [
    [32, 2],
    [64, 4],
  ] as const) {
    it(`${n}×${n} with vectors: ${pairThreads} invocations a pair, values, U diag(s) Vᵀ = A, orthonormal U and V`, async () => {
      const matrices = [gaussian(n, n, 900 + n)];
      const result = await withAdapterClass('hardware', () => {
        expect(svdPairThreads(gpu!.device, n, n)).toBe(pairThreads);
        return runSvd(matrices, { vectors: true });
      });
      const a = matrices[0]!;
      expect(valueError(result, 0, svd(a).s)).toBeLessThan(VALUE_TOL);
      expect(result.sweeps[0]!).toBeLessThanOrEqual(SVD_DEFAULT_MAX_SWEEPS);
      const u = factor(result.u, 0, n, n);
      const v = factor(result.v, 0, n, n);
      // As for the rectangular cases above (measured ≤ 2e-6 there).
      expect(reconstructionError(u, result.values, v, a)).toBeLessThan(1e-5);
      expect(orthogonalityError(u)).toBeLessThan(1e-5);
      expect(orthogonalityError(v)).toBeLessThan(1e-5);
    });
  }
});
