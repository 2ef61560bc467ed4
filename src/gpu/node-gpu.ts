/**
 * Node-only: WebGPU through Dawn (npm package `webgpu`). Never imported by browser code paths
 * (device.ts loads it lazily only when `navigator.gpu` is absent).
 */
import { existsSync } from 'node:fs';
import { NoAdapterError } from '../errors.js';
import { chooseVulkanDriver, SWIFTSHADER_ICD } from './vulkan-icd.js';
import { ensureXdgRuntimeDir } from './xdg-runtime-dir.js';

export interface NodeAdapter {
  gpu: GPU;
  adapter: GPUAdapter;
  /** True when we pointed Vulkan at SwiftShader ourselves because no other driver or adapter existed. */
  usedSwiftShader: boolean;
}

export async function requestNodeAdapter(powerPreference?: GPUPowerPreference): Promise<NodeAdapter> {
  let choseSwiftShader = false;
  if (process.platform === 'linux') {
    // Before Dawn enumerates Vulkan devices: keeps Mesa's device-select layer from printing a
    // harmless libwayland error on every start (xdg-runtime-dir.ts).
    ensureXdgRuntimeDir();
    // Before the first instance: without a system Vulkan driver go straight to SwiftShader, so no
    // failed instance prints Dawn's "Found no drivers" lines (vulkan-icd.ts).
    choseSwiftShader = chooseVulkanDriver();
  }
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (cause) {
    throw new NoAdapterError(
      'The npm package `webgpu` (Dawn for Node) could not be loaded. Run `npm ci` in the dlnsim folder.',
      { cause },
    );
  }
  Object.assign(globalThis, webgpu.globals);
  // Only the Vulkan backend: the GL probes print noise and never help on Linux servers.
  const flags = process.platform === 'linux' ? ['backend=vulkan'] : [];
  const first = await tryAdapter(webgpu.create(flags), powerPreference);
  if (first) return { ...first, usedSwiftShader: choseSwiftShader };
  if (process.platform === 'linux' && existsSync(SWIFTSHADER_ICD) && process.env.VK_ICD_FILENAMES !== SWIFTSHADER_ICD) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    const second = await tryAdapter(webgpu.create(flags), powerPreference);
    if (second) return { ...second, usedSwiftShader: true };
  }
  throw new NoAdapterError(
    'No WebGPU adapter found in Node. Without a GPU, install the SwiftShader Vulkan driver that ' +
      'Debian ships with Chromium and the Vulkan loader: `sudo apt-get install -y chromium libvulkan1` ' +
      `(dlnsim then uses ${SWIFTSHADER_ICD} by itself). With a GPU, install its Vulkan driver.`,
  );
}

/**
 * Dawn tears its instance down when the GPU object is garbage-collected, even while devices made
 * from it are alive, which kills the process. Keep every instance we hand out reachable.
 */
const liveInstances: GPU[] = [];

async function tryAdapter(gpu: GPU, powerPreference?: GPUPowerPreference) {
  liveInstances.push(gpu);
  const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
  return adapter ? { gpu, adapter } : null;
}
