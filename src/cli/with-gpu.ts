import { acquireDevice, type GpuContext } from '../gpu/device.js';
import type { CliIo } from './io.js';

/** Runs `work` on the caller's GPU, or on a freshly acquired one destroyed afterwards (so the process can exit). */
export async function withGpu<T>(io: CliIo, work: (gpu: GpuContext) => Promise<T>): Promise<T> {
  if (io.gpu) return work(io.gpu);
  const gpu = await acquireDevice();
  try {
    return await work(gpu);
  } finally {
    gpu.destroy();
  }
}
