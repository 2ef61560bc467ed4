/**
 * Compute pipelines are expensive to create (a shader compile each), so they are created once per
 * (device, WGSL source, entry point, override constants) and reused for every step of every run.
 * Modules are keyed by their source, not their label: composed sources (composeWgsl) share a label
 * across variants, and a label key would hand one variant's module to another.
 */
export type Constants = Record<string, number | boolean>;

const modules = new WeakMap<GPUDevice, Map<string, GPUShaderModule>>();
const pipelines = new WeakMap<GPUShaderModule, Map<string, GPUComputePipeline>>();

export function computePipeline(
  device: GPUDevice,
  label: string,
  code: string,
  constants: Constants,
  entryPoint = 'main',
): GPUComputePipeline {
  const module = shaderModule(device, label, code);
  let cache = pipelines.get(module);
  if (!cache) pipelines.set(module, (cache = new Map()));
  const numeric: Record<string, number> = {};
  for (const [key, value] of Object.entries(constants))
    numeric[key] = typeof value === 'boolean' ? Number(value) : value;
  const key = `${entryPoint}|${JSON.stringify(numeric)}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      label: `${label} ${JSON.stringify(numeric)}`,
      layout: 'auto',
      compute: { module, entryPoint, constants: numeric },
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}

function shaderModule(device: GPUDevice, label: string, code: string): GPUShaderModule {
  let cache = modules.get(device);
  if (!cache) modules.set(device, (cache = new Map()));
  let module = cache.get(code);
  if (!module) {
    module = device.createShaderModule({ label, code });
    cache.set(code, module);
  }
  return module;
}

/** A bind group binding whole buffers to bindings 0..n-1 of group 0, in order. */
export function bindBuffers(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  buffers: GPUBuffer[],
  label?: string,
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** Split a 1-D count of workgroups over x and y so that neither exceeds the device limit. */
export function workgroupGrid(device: GPUDevice, workgroups: number): [number, number] {
  const max = device.limits.maxComputeWorkgroupsPerDimension;
  if (workgroups <= max) return [Math.max(workgroups, 1), 1];
  const y = Math.ceil(workgroups / max);
  return [Math.ceil(workgroups / y), y];
}
