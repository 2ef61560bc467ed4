/** `dlnsim info`: the adapter dlnsim would train on and the limits that bound its batches. */
import { formatBytes } from '../gpu/buffers.js';
import { formatTable } from '../presets/table.js';
import { EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';
import { withGpu } from './with-gpu.js';

/** Limits that decide how many networks fit a batch and how kernels are shaped. */
const LIMITS: { key: keyof GPUSupportedLimits; bytes: boolean }[] = [
  { key: 'maxStorageBufferBindingSize', bytes: true },
  { key: 'maxBufferSize', bytes: true },
  { key: 'maxStorageBuffersPerShaderStage', bytes: false },
  { key: 'maxComputeWorkgroupStorageSize', bytes: true },
  { key: 'maxComputeInvocationsPerWorkgroup', bytes: false },
  { key: 'maxComputeWorkgroupSizeX', bytes: false },
  { key: 'maxComputeWorkgroupsPerDimension', bytes: false },
];

export async function infoCommand(io: CliIo): Promise<number> {
  return withGpu(io, async (gpu) => {
    const limits = gpu.device.limits;
    const value = (key: keyof GPUSupportedLimits, bytes: boolean) => {
      const v = limits[key] as number;
      return bytes ? `${formatBytes(v)} (${v.toLocaleString('en-US')} bytes)` : v.toLocaleString('en-US');
    };
    const lines = [
      `adapter   ${gpu.adapter.name}`,
      `fallback  ${gpu.adapter.isFallbackAdapter ? 'yes: a software adapter (SwiftShader); expect ~100× less throughput than a GPU' : 'no: a hardware GPU'}`,
      `host      ${gpu.adapter.host}`,
      '',
      'device limits:',
      ...formatTable(
        ['limit', 'value'],
        LIMITS.map(({ key, bytes }) => [key, value(key, bytes)]),
      ).map((line) => `  ${line}`),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_OK;
  });
}
