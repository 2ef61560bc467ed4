/**
 * The GPU every GPU test file shares. Without an adapter the tests fail (CI must never pass by
 * skipping), unless DLNSIM_ALLOW_NO_GPU=1 says this machine is known to have none.
 */
import { acquireDevice, type GpuContext } from '../../src/gpu/device.js';

export const allowNoGpu = process.env.DLNSIM_ALLOW_NO_GPU === '1';

let shared: Promise<GpuContext | null> | null = null;

export function testGpu(): Promise<GpuContext | null> {
  shared ??= acquireDevice().catch((error: unknown) => {
    if (allowNoGpu) return null;
    throw error;
  });
  return shared;
}

/** Encodes one kernel in its own pass and submits it. */
export function dispatchOnce(device: GPUDevice, kernel: { encode(pass: GPUComputePassEncoder): void }): void {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  kernel.encode(pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
}
