/**
 * Where a network's matrices sit in the fused step kernel's workgroup memory (shaders/fused-step.wgsl),
 * and whether they fit: W_1..W_N, the prefix products P_{<3}..P_{<N+1} (= E), G = Q_N and
 * Q_{N−1}..Q_1, and the sensing residual r, all f32, must fit maxComputeWorkgroupStorageSize
 * beside the kernel's 64-float reduction scratch.
 */
import type { TaskData } from '../problem/types.js';

/** Deepest network the kernel binds (six layer buffers + nets + data = 8 storage buffers). */
export const FUSED_MAX_DEPTH = 6;
/** Floats of workgroup memory the kernel uses besides the matrices (the reduction scratch, `stop`). */
const SCRATCH_FLOATS = 64 + 1;

export interface FusedLayout {
  /** The 64 words of the kernel's `layout` uniform (widths, then offsets into `mem`). */
  words: Uint32Array<ArrayBuffer>;
  /** Floats of `mem` the matrices take. */
  floats: number;
  /** Bytes of workgroup memory the kernel declares in all. */
  bytes: number;
}

export function fusedLayout(widths: readonly number[], task: TaskData): FusedLayout {
  const depth = widths.length - 1;
  const cols = widths[0]!;
  const words = new Uint32Array(64);
  widths.forEach((n, k) => (words[k] = n));
  let at = 0;
  const place = (index: number, floats: number) => {
    words[index] = at;
    at += floats;
  };
  for (let k = 1; k <= depth; k++) place(16 + k - 1, widths[k]! * widths[k - 1]!);
  for (let k = 3; k <= depth + 1; k++) place(32 + k, widths[k - 1]! * cols);
  // E is W_1 itself when N = 1: the kernel reads P_{<2} as W_1.
  for (let k = depth; k >= 1; k--) place(48 + k, widths[k]! * cols);
  if (task.kind === 'sensing') place(63, task.sensing!.y.length);
  return { words, floats: Math.max(at, 1), bytes: 4 * (Math.max(at, 1) + SCRATCH_FLOATS) };
}

/** Why the fused kernel cannot run these shapes on this device, or null when it can. */
export function fusedMisfit(
  widths: readonly number[],
  task: TaskData,
  limits: { maxComputeWorkgroupStorageSize: number },
): string | null {
  const depth = widths.length - 1;
  if (depth > FUSED_MAX_DEPTH) return `depth ${depth} is above the fused kernel's ${FUSED_MAX_DEPTH} layers`;
  const { bytes } = fusedLayout(widths, task);
  const limit = limits.maxComputeWorkgroupStorageSize;
  if (bytes > limit)
    return `one network's layers, prefix and backward products take ${bytes} bytes of workgroup memory, above this adapter's maxComputeWorkgroupStorageSize of ${limit} bytes`;
  return null;
}
