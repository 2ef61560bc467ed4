/**
 * How much host memory a run may use, and the device's binding limit: the MemoryLimits that
 * engine/footprint.ts checks a batch against before anything is allocated.
 *
 * Host memory is the machine's total (Node: os.totalmem(); browsers: navigator.deviceMemory, in
 * GiB, which browsers round down and cap at 8), times HOST_MEMORY_FRACTION: the rest is left to
 * the OS, the JS engine's own heap, the GPU driver (a software adapter keeps its buffers in host
 * memory too) and other programs. Where neither is known, ASSUMED_HOST_BYTES is assumed.
 */
import { bindingLimit, formatBytes } from './buffers.js';
import { isSoftwareDevice } from './device.js';

/** Where a batch must fit: the most bytes one storage buffer binds, and the host memory dlnsim may use. */
export interface MemoryLimits {
  bindingBytes: number;
  hostBytes: number;
  /** How hostBytes was found, for messages: e.g. "50% of the 16.0 GiB this machine has, by os.totalmem()". */
  hostSource: string;
  /**
   * The most bytes planBatches lets one buffer of a batch hold: bindingBytes, or less on a
   * software adapter (SOFTWARE_BATCH_BUFFER_BYTES). Absent: bindingBytes.
   */
  batchBytes?: number;
}

/** The safety factor: dlnsim plans for at most this fraction of the machine's memory. */
export const HOST_MEMORY_FRACTION = 0.5;
/** What a browser without navigator.deviceMemory (Firefox, Safari) is assumed to have. */
export const ASSUMED_HOST_BYTES = 4 * 2 ** 30;

/**
 * The largest buffer a batch is planned to on a software adapter (SwiftShader), whose "GPU"
 * buffers, and the copies it reads back through, are host memory: one batch of all 10⁶ networks
 * of the 4×4 example held ~3.5 GB of them (~7× its largest buffer), all at once. Batches of at
 * most this much in their largest buffer keep that to a few hundred MB; the per-batch overhead
 * (pipelines, a command buffer per chunk) is small beside a batch this large.
 */
export const SOFTWARE_BATCH_BUFFER_BYTES = 32 * 2 ** 20;

export function hostMemory(): { bytes: number; source: string } {
  const deviceMemory = (globalThis as { navigator?: { deviceMemory?: number } }).navigator?.deviceMemory;
  if (typeof deviceMemory === 'number' && deviceMemory > 0)
    return { bytes: deviceMemory * 2 ** 30, source: 'navigator.deviceMemory' };
  // Node 20.16+: a synchronous way to node:os that bundlers for the browser leave alone.
  const os = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => { totalmem?: () => number } | undefined } }
  ).process?.getBuiltinModule?.('node:os');
  const total = os?.totalmem?.();
  if (typeof total === 'number' && total > 0) return { bytes: total, source: 'os.totalmem()' };
  return { bytes: ASSUMED_HOST_BYTES, source: 'assumed: the browser does not say' };
}

/** The limits a batch on `device` must fit; `maxBindingBytes` caps the binding limit further (tests, leaving room). */
export function memoryLimits(device: GPUDevice, maxBindingBytes = Infinity): MemoryLimits {
  const host = hostMemory();
  const bindingBytes = Math.min(bindingLimit(device), maxBindingBytes);
  return {
    bindingBytes,
    batchBytes: isSoftwareDevice(device) ? Math.min(bindingBytes, SOFTWARE_BATCH_BUFFER_BYTES) : bindingBytes,
    hostBytes: HOST_MEMORY_FRACTION * host.bytes,
    hostSource: `${HOST_MEMORY_FRACTION * 100}% of the ${formatBytes(host.bytes)} this machine has, by ${host.source}`,
  };
}
