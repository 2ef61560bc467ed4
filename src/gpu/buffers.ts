import { DeviceLimitError } from '../errors.js';

/** A storage buffer holding `data` (f32), checked against the device's binding size limit. */
export function storageBuffer(
  device: GPUDevice,
  label: string,
  floats: number,
  data?: ArrayLike<number>,
  extraUsage = 0,
): GPUBuffer {
  const size = Math.max(16, Math.ceil((floats * 4) / 16) * 16);
  checkBindingSize(device, label, size);
  const buffer = device.createBuffer({
    label,
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
    mappedAtCreation: data !== undefined,
  });
  if (data !== undefined) {
    new Float32Array(buffer.getMappedRange()).set(data);
    buffer.unmap();
  }
  return buffer;
}

/** The most bytes one storage buffer may bind on this device (the smaller of the two buffer limits). */
export function bindingLimit(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

export function checkBindingSize(device: GPUDevice, label: string, bytes: number): void {
  const limit = bindingLimit(device);
  if (bytes > limit) {
    throw new DeviceLimitError(
      `buffer "${label}" needs ${formatBytes(bytes)} but this device binds at most ${formatBytes(limit)} per storage buffer. ` +
        'Train fewer networks per batch (lower the batch size or split the sweep) or use smaller widths.',
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Reads a buffer back (tests and one-off reads; the step loop uses the readback pool). */
export async function readFloats(
  device: GPUDevice,
  buffer: GPUBuffer,
  floats: number,
  offsetFloats = 0,
): Promise<Float32Array> {
  const bytes = floats * 4;
  const staging = device.createBuffer({
    size: Math.max(4, bytes),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, offsetFloats * 4, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}
