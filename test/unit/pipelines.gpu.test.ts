/**
 * The pipeline cache (src/gpu/pipelines.ts) keys shader modules by their WGSL source: two sources
 * under one label (as composed kernel variants are) get their own modules and pipelines, each
 * running its own code; the same source, entry point and constants get the cached pipeline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { storageBuffer, readFloats } from '../../src/gpu/buffers.js';
import { bindBuffers, computePipeline } from '../../src/gpu/pipelines.js';
import { testGpu } from '../helpers/gpu.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const writes = (value: string) => `
override SCALE: f32 = 1.0;
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1) fn main() { out[0] = SCALE * ${value}; }
`;

async function run(device: GPUDevice, pipeline: GPUComputePipeline): Promise<number> {
  const out = storageBuffer(device, 'pipeline test out', 4);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindBuffers(device, pipeline, [out]));
  pass.dispatchWorkgroups(1);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const [value] = await readFloats(device, out, 1);
  out.destroy();
  return value!;
}

describe.skipIf(!gpu)('pipeline cache', () => {
  it('gives two sources under one label their own pipelines, and reuses a pipeline for the same source', async () => {
    const device = gpu!.device;
    const one = computePipeline(device, 'shared label', writes('1.0'), {});
    const two = computePipeline(device, 'shared label', writes('2.0'), {});
    expect(two).not.toBe(one);
    expect(await run(device, one)).toBe(1);
    expect(await run(device, two)).toBe(2);
    expect(computePipeline(device, 'shared label', writes('2.0'), {})).toBe(two);
    const scaled = computePipeline(device, 'shared label', writes('2.0'), { SCALE: 3 });
    expect(scaled).not.toBe(two);
    expect(await run(device, scaled)).toBe(6);
  });
});
