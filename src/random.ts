/**
 * Counter-based random numbers (SPEC §5, last item): Philox4x32-10 (Salmon et al., "Parallel
 * random numbers: as easy as 1, 2, 3", SC'11) in pure 32-bit integer arithmetic, so Node and every
 * browser produce bit-identical words, uniforms and hence targets, masks, data and initialisations.
 *
 * Key and counter layout of `new Rng(seed, stream, substream)`, fixed because every experiment's
 * numbers depend on it:
 *   key     = (seed mod 2³², ⌊seed / 2³²⌋)              — any non-negative safe integer seed
 *   counter = (block mod 2³², ⌊block / 2³²⌋, stream, substream)
 * where block = 0, 1, 2, … counts the 4-word blocks drawn so far. Streams and sub-streams live in
 * the counter rather than being mixed into the key, so distinct (seed, stream, substream) triples
 * can never collide and neither needs to share bits with the seed.
 *
 * Words, uniforms and normals are bit-identical on every engine: normal() takes its logarithm,
 * sine and cosine from src/exact-math.ts, built only from operations ECMAScript specifies exactly,
 * rather than Math.log/sin/cos, whose last bit may differ between engines.
 */
import type { Matrix } from './linalg/matrix.js';
import { orthonormalColumns } from './linalg/decompositions.js';
import { log, sinCos2Pi } from './exact-math.js';

/** The stream of every kind of random draw; a new kind of draw gets a new number. */
export const STREAMS = {
  target: 1,
  mask: 2,
  data: 3,
  measurements: 4,
  init: 5,
  noise: 6,
  heldOut: 7,
  volumeSample: 8,
} as const;

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32s; every partial product stays below 2³². */
function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lowLow = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const carry = (lowLow >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff);
  return (aHi * bHi + (hiLo >>> 16) + (loHi >>> 16) + (carry >>> 16)) >>> 0;
}

/**
 * One Philox4x32-10 block: 4 counter words and 2 key words (uint32) → 4 output words. Exposed for
 * the Random123 known-answer tests.
 */
export function philox4x32_10(counter: readonly number[], key: readonly number[]): [number, number, number, number] {
  let c0 = counter[0]! >>> 0;
  let c1 = counter[1]! >>> 0;
  let c2 = counter[2]! >>> 0;
  let c3 = counter[3]! >>> 0;
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  return [c0, c1, c2, c3];
}

const TWO_32 = 2 ** 32;

function assertWord(value: number, what: string, limit: number): void {
  if (!Number.isInteger(value) || value < 0 || value > limit) {
    throw new RangeError(`Rng: ${what} must be an integer in [0, ${limit}], got ${value}`);
  }
}

/** A sequential reader of one (seed, stream, substream) Philox counter stream. */
export class Rng {
  private readonly key: [number, number];
  private readonly stream: number;
  private readonly substream: number;
  private block = 0;
  private buffer: [number, number, number, number] = [0, 0, 0, 0];
  private used = 4;
  private spareNormal: number | null = null;

  /** See the file comment for how seed, stream and substream map to Philox key and counter. */
  constructor(seed: number, stream: number, substream = 0) {
    assertWord(seed, 'seed', Number.MAX_SAFE_INTEGER);
    assertWord(stream, 'stream', 0xffffffff);
    assertWord(substream, 'substream', 0xffffffff);
    this.key = [seed % TWO_32, Math.floor(seed / TWO_32)];
    this.stream = stream;
    this.substream = substream;
  }

  nextUint32(): number {
    if (this.used === 4) {
      const counter = [this.block % TWO_32, Math.floor(this.block / TWO_32), this.stream, this.substream];
      this.buffer = philox4x32_10(counter, this.key);
      this.block++;
      this.used = 0;
    }
    return this.buffer[this.used++]!;
  }

  /**
   * Uniform in the open interval (0, 1): k·2⁻⁵³ with k the top 27 bits of one word and top 26 of the
   * next (53 bits, every value exact); k = 0 is redrawn, so log(u) is always finite.
   */
  uniform(): number {
    for (;;) {
      const k = (this.nextUint32() >>> 5) * 2 ** 26 + (this.nextUint32() >>> 6);
      if (k !== 0) return k * 2 ** -53;
    }
  }

  /**
   * Standard normal by Box–Muller: each pair of uniforms (u₁, u₂) gives √(−2 ln u₁)·cos(2πu₂),
   * returned first, then √(−2 ln u₁)·sin(2πu₂) on the next call.
   */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const radius = Math.sqrt(-2 * log(this.uniform()));
    const [cos, sin] = sinCos2Pi(this.uniform());
    this.spareNormal = radius * sin;
    return radius * cos;
  }

  /** Uniform integer in [0, n) from one uniform(); the bias, at most n·2⁻⁵³, is negligible. */
  below(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }
}

/** rows × cols matrix of i.i.d. N(0, std²) entries, drawn in row-major order. */
export function gaussianMatrix(rng: Rng, rows: number, cols: number, std = 1): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return { rows, cols, data };
}

/**
 * rows × cols Haar-random matrix with orthonormal columns (rows ≥ cols): QR of a Gaussian matrix
 * with R's diagonal made positive. The Gaussian is drawn column by column and column j of Q only
 * depends on columns ≤ j, so asking for more columns keeps the earlier ones.
 */
export function haarColumns(rng: Rng, rows: number, cols: number): Matrix {
  const gaussian = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) gaussian[i * cols + j] = rng.normal();
  return orthonormalColumns({ rows, cols, data: gaussian });
}
