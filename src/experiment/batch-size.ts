/**
 * Splitting a GPU batch that would not fit the device: every per-network buffer of a batch grows
 * linearly with its network count, and WebGPU binds at most maxStorageBufferBindingSize bytes of a
 * storage buffer, so a sweep of many networks of one shape is trained as several batches of at most
 * `networksPerBatch` networks instead of failing with a DeviceLimitError.
 */
import type { ResolvedConfig, Run } from '../config/types.js';
import { networkFootprint } from '../engine/footprint.js';

/** An upper bound on the bytes one network adds to the largest buffer of its batch (engine/footprint.ts). */
export function bytesPerNetwork(config: ResolvedConfig): number {
  return networkFootprint(config).largestBufferBytes;
}

/** The most networks of this config one batch may hold under a binding limit of `maxBytes`. */
export function networksPerBatch(config: ResolvedConfig, maxBytes: number): number {
  // Buffers are rounded up to 16 bytes.
  return Math.max(1, Math.floor((maxBytes - 16) / bytesPerNetwork(config)));
}

/**
 * A batch (runs that groupBatches put together) cut into the fewest parts that fit, of equal
 * sizes (±1), run order kept. A single network that does not fit is left for the Simulator to
 * reject with its DeviceLimitError, which names the buffer.
 */
export function splitBatch(runs: Run[], maxBytes: number): Run[][] {
  if (runs.length === 0) return [];
  return splitInto(runs, networksPerBatch(runs[0]!.config, maxBytes));
}

/** Runs cut into the fewest parts of at most `most`, of equal sizes (±1), run order kept. */
export function splitInto(runs: Run[], most: number): Run[][] {
  const parts = Math.ceil(runs.length / most);
  const out: Run[][] = [];
  for (let p = 0; p < parts; p++)
    out.push(runs.slice(Math.floor((p * runs.length) / parts), Math.floor(((p + 1) * runs.length) / parts)));
  return out;
}
