/**
 * `node dist/node/adapter-info.js [--allow-software]`: the first step of bench/device-check.sh.
 * Prints, as JSON, the adapter dlnsim gets (acquireDevice, so the same choice as the engine and
 * the bench), its features and the device's limits as dlnsim requests them. Exits 3 with one line
 * on stderr when that adapter is a software one (SwiftShader, llvmpipe, …), since a device check
 * on one measures the CPU, unless --allow-software.
 */
import { parseArgs } from 'node:util';
import { acquireDevice } from '../src/gpu/device.js';

const { values: args } = parseArgs({ options: { 'allow-software': { type: 'boolean' } } });
const gpu = await acquireDevice();
const { device, adapter } = gpu;
const info = device.adapterInfo;
// WebGPU's limits and info are accessor properties on the prototype: for…in reaches them, spreading does not.
const limits: Record<string, number> = {};
for (const key in device.limits) limits[key] = device.limits[key as keyof GPUSupportedLimits] as number;
console.log(
  JSON.stringify(
    {
      adapter,
      info: {
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
      },
      features: [...device.features].sort(),
      limits,
      vkIcdFilenames: process.env.VK_ICD_FILENAMES ?? null,
    },
    null,
    2,
  ),
);
gpu.destroy();
if (adapter.isFallbackAdapter && !args['allow-software']) {
  console.error(
    `device check: only a software adapter (${adapter.name}) is available, no GPU; pass --allow-software to check it anyway`,
  );
  process.exit(3);
}
