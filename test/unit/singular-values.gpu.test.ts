import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchedSingularValues,
  type SingularValuesSpec,
  singularValuesWorkgroupSize,
} from '../../src/kernels/singular-values.js';
import { BatchedSvd } from '../../src/kernels/svd.js';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { DeviceLimitError } from '../../src/errors.js';
import { svd } from '../../src/linalg/decompositions.js';
import { matmul, type Matrix } from '../../src/linalg/matrix.js';
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

interface Options extends BatchLayout, Pick<SingularValuesSpec, 'memory' | 'workgroupSize'> {}

/** One dispatch over `matrices` (decompositionBuffers); returns the whole values buffer. */
async function singularValuesOnGpu(matrices: Matrix[], options: Options = {}): Promise<Float32Array> {
  const device = gpu!.device;
  const { batch, rows, cols, inputOffset, inputStride, valuesOffset, input, values, valueFloats } =
    decompositionBuffers(device, matrices, options);
  const kernel = new BatchedSingularValues(device, {
    batch,
    rows,
    cols,
    input,
    inputOffset,
    inputStride,
    values,
    valuesOffset,
    memory: options.memory,
    workgroupSize: options.workgroupSize,
  });
  dispatchOnce(device, kernel);
  const result = await readFloats(device, values, valueFloats);
  gpu!.throwIfFailed();
  input.destroy();
  values.destroy();
  return result;
}

/** max_i |σ_i − σ_i^ref| / σ₁^ref for matrix b. */
function valueError(values: Float32Array, b: number, reference: Float64Array, valuesOffset = 0): number {
  const r = reference.length;
  let worst = 0;
  for (let i = 0; i < r; i++) worst = Math.max(worst, Math.abs(values[valuesOffset + b * r + i]! - reference[i]!));
  return worst / reference[0]!;
}

function isDescending(values: ArrayLike<number>, from: number, count: number): boolean {
  for (let i = from + 1; i < from + count; i++) if (values[i]! > values[i - 1]!) return false;
  return true;
}

describe.skipIf(!gpu)('batched singular values (bidiagonalisation + bisection) vs Float64 svd', () => {
  // Backward stable: measured 5e-8 to 3e-7·σ₁ on SwiftShader up to 256×256, against 1e-6 to 3e-6 for
  // Jacobi. 2e-6·σ₁ leaves room for other adapters' ulp-level differences.
  const VALUE_TOL = 2e-6;

  for (const n of [1, 2, 8, 16, 32, 64]) {
    it(`random ${n}×${n}: values to 2e-6·σ₁, sorted`, async () => {
      const matrices = [0, 1, 2].map((seed) => gaussian(n, n, 500 + 10 * n + seed));
      const values = await singularValuesOnGpu(matrices);
      matrices.forEach((a, b) => {
        expect(valueError(values, b, svd(a).s)).toBeLessThan(VALUE_TOL);
        expect(isDescending(values, b * n, n)).toBe(true);
      });
    });
  }

  for (const [rows, cols] of [
    [12, 5],
    [5, 12],
    [30, 17],
    [17, 30],
    [9, 1],
    [1, 9],
    [40, 2],
  ] as const) {
    it(`rectangular ${rows}×${cols}`, async () => {
      const matrices = [0, 1].map((seed) => gaussian(rows, cols, 20 * rows + cols + seed));
      const values = await singularValuesOnGpu(matrices);
      matrices.forEach((a, b) => expect(valueError(values, b, svd(a).s)).toBeLessThan(VALUE_TOL));
    });
  }

  it('a deep product (graded spectrum over five decades, as training makes): as accurate as, and agreeing with, Jacobi', async () => {
    const product = [1, 2, 3].reduce(
      (p, seed) => toF32(matmul(gaussian(48, 48, 300 + seed), p)),
      gaussian(48, 48, 300),
    );
    const reference = svd(product).s;
    const values = await singularValuesOnGpu([product]);
    expect(valueError(values, 0, reference)).toBeLessThan(VALUE_TOL);
    // Large values to relative accuracy.
    for (let i = 0; i < 10; i++) expect(Math.abs(values[i]! - reference[i]!) / reference[i]!).toBeLessThan(1e-5);

    const device = gpu!.device;
    const input = storageBuffer(device, 'product', 48 * 48, product.data);
    const jacobiValues = storageBuffer(device, 'jacobi values', 48);
    const jacobi = new BatchedSvd(device, { batch: 1, rows: 48, cols: 48, input, values: jacobiValues });
    dispatchOnce(device, jacobi);
    const fromJacobi = await readFloats(device, jacobiValues, 48);
    for (let i = 0; i < 48; i++) expect(Math.abs(fromJacobi[i]! - values[i]!)).toBeLessThan(1e-5 * reference[0]!);
  });

  it('rank 2 in 16×16: the 14 zero values come out below 1e-6·σ₁', async () => {
    const a = withSpectrum(16, 16, [3, 1.5], 31);
    const values = await singularValuesOnGpu([a]);
    const reference = svd(a).s;
    for (let i = 0; i < 2; i++) expect(Math.abs(values[i]! - reference[i]!) / reference[i]!).toBeLessThan(1e-6);
    for (let i = 2; i < 16; i++) expect(values[i]!).toBeLessThan(1e-6 * reference[0]!);
  });

  it('ill-conditioned 16×16 (σ from 1 to 1e-4): large values relative, small ones absolute', async () => {
    const spectrum = Array.from({ length: 16 }, (_, i) => 10 ** ((-4 * i) / 15));
    const a = withSpectrum(16, 16, spectrum, 32);
    const values = await singularValuesOnGpu([a]);
    const reference = svd(a).s;
    for (let i = 0; i < 16; i++) {
      const error = Math.abs(values[i]! - reference[i]!);
      if (reference[i]! >= 1e-2) expect(error / reference[i]!).toBeLessThan(2e-6);
      else expect(error).toBeLessThan(2e-7 * reference[0]!);
    }
  });

  it('scale-free: 1e-30·A and 1e30·A (tiny initialisations, deep products) keep their relative accuracy', async () => {
    const base = gaussian(10, 10, 33);
    const reference = svd(base).s;
    for (const scale of [1e-30, 1e30]) {
      const values = await singularValuesOnGpu([toF32({ rows: 10, cols: 10, data: base.data.map((x) => x * scale) })]);
      for (let i = 0; i < 10; i++)
        expect(Math.abs(values[i]! / scale - reference[i]!) / reference[0]!).toBeLessThan(VALUE_TOL);
    }
  });

  it('zero matrix: zeros; a non-finite entry: NaN for that matrix only', async () => {
    const zero = { rows: 6, cols: 4, data: new Float64Array(24) };
    const bad = gaussian(6, 4, 34);
    bad.data[5] = Infinity;
    const good = gaussian(6, 4, 35);
    const values = await singularValuesOnGpu([zero, bad, good]);
    expect(Array.from(values.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(values.subarray(4, 8)).every(Number.isNaN)).toBe(true);
    expect(valueError(values.subarray(8), 0, svd(good).s)).toBeLessThan(VALUE_TOL);
  });

  it('a batch with strided, offset input and offset output writes only its own slots', async () => {
    const matrices = [0, 1, 2, 3].map((seed) => gaussian(7, 5, 40 + seed));
    const options = { inputOffset: 3, inputStride: 7 * 5 + 6, valuesOffset: 9 };
    const values = await singularValuesOnGpu(matrices, options);
    matrices.forEach((a, b) => expect(valueError(values, b, svd(a).s, options.valuesOffset)).toBeLessThan(VALUE_TOL));
    expect(Array.from(values.subarray(0, 9))).toEqual(new Array(9).fill(SENTINEL));
    expect(Array.from(values.subarray(9 + 4 * 5))).toEqual([SENTINEL, SENTINEL, SENTINEL]);
  });

  it('is bit-for-bit reproducible, storage scratch equals workgroup memory, and any workgroup size is accurate', async () => {
    const matrices = [0, 1].map((seed) => gaussian(24, 20, 50 + seed));
    const first = await singularValuesOnGpu(matrices, { memory: 'workgroup' });
    const again = await singularValuesOnGpu(matrices, { memory: 'workgroup' });
    const storage = await singularValuesOnGpu(matrices, { memory: 'storage' });
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(Array.from(storage)).toEqual(Array.from(first));
    for (const workgroupSize of [1, 3, 64]) {
      const values = await singularValuesOnGpu(matrices, { workgroupSize });
      matrices.forEach((a, b) => expect(valueError(values, b, svd(a).s)).toBeLessThan(VALUE_TOL));
    }
  });

  it('a matrix too large for workgroup memory goes to storage scratch under auto, and says so when forced', async () => {
    const device = gpu!.device;
    const n = Math.ceil(Math.sqrt(device.limits.maxComputeWorkgroupStorageSize / 4)) + 4;
    const input = storageBuffer(device, 'large', n * n);
    const values = storageBuffer(device, 'large values', n);
    expect(new BatchedSingularValues(device, { batch: 1, rows: n, cols: n, input, values }).memory).toBe('storage');
    expect(
      () => new BatchedSingularValues(device, { batch: 1, rows: n, cols: n, input, values, memory: 'workgroup' }),
    ).toThrow(DeviceLimitError);
    expect(
      () => new BatchedSingularValues(device, { batch: 1, rows: n, cols: n, input, values, memory: 'workgroup' }),
    ).toThrow(/memory: 'storage' or 'auto'/);
    input.destroy();
    values.destroy();
  });
});

// Hardware adapters take one invocation per 4 columns up to r, rounded up to 32 (a warp); forced
// here (DLNSIM_FORCE_ADAPTER_CLASS=hardware) so that SwiftShader runs the GPU's choice too.
describe.skipIf(!gpu)('singular values with the hardware default workgroup, forced', () => {
  const VALUE_TOL = 2e-6; // as above
  for (const [rows, cols, workgroupSize] of [
    [64, 64, 64],
    [30, 17, 32],
  ] as const) {
    it(`${rows}×${cols}: ${workgroupSize} invocations, values to 2e-6·σ₁, sorted`, async () => {
      const matrices = [0, 1].map((seed) => gaussian(rows, cols, 700 + rows + seed));
      const values = await withAdapterClass('hardware', () => {
        expect(singularValuesWorkgroupSize(gpu!.device, Math.min(rows, cols))).toBe(workgroupSize);
        return singularValuesOnGpu(matrices);
      });
      const r = Math.min(rows, cols);
      matrices.forEach((a, b) => {
        expect(valueError(values, b, svd(a).s)).toBeLessThan(VALUE_TOL);
        expect(isDescending(values, b * r, r)).toBe(true);
      });
    });
  }
});
