/**
 * In-page kernel checks: each runs a kernel on the page's WebGPU device and returns the numbers,
 * which the Playwright spec compares with a Float64 computation done in Node.
 */
import { acquireDevice } from '../../../src/gpu/device.js';
import { readFloats, storageBuffer } from '../../../src/gpu/buffers.js';
import { BatchedMatmul } from '../../../src/kernels/matmul.js';

export async function matmul(spec: { batch: number; m: number; n: number; k: number; a: number[]; b: number[] }) {
  const gpu = await acquireDevice();
  try {
    const { device } = gpu;
    const a = storageBuffer(device, 'a', spec.a.length, spec.a);
    const b = storageBuffer(device, 'b', spec.b.length, spec.b);
    const c = storageBuffer(device, 'c', spec.batch * spec.m * spec.n);
    const kernel = new BatchedMatmul(device, { batch: spec.batch, m: spec.m, n: spec.n, k: spec.k, a, b, c });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    kernel.encode(pass);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const values = Array.from(await readFloats(device, c, spec.batch * spec.m * spec.n));
    gpu.throwIfFailed();
    return { adapter: gpu.adapter, values };
  } finally {
    gpu.destroy();
  }
}

/** What the page puts on `window` for the spec's page.evaluate. */
export interface KernelChecks {
  dlnsimChecks: { matmul: typeof matmul };
}

Object.assign(window, { dlnsimChecks: { matmul } } satisfies KernelChecks);
document.body.dataset.ready = 'true';
