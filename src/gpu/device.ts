/**
 * The one place dlnsim gets a GPUDevice, in the browser (navigator.gpu) and in Node (Dawn via the
 * npm package `webgpu`, falling back to Debian's SwiftShader when no hardware adapter exists).
 *
 * Device loss and uncaptured errors become typed errors (DeviceLostError, GpuError) that the
 * engine checks after each submit, so a broken device fails a run instead of hanging it.
 */
import { DeviceLostError, DlnsimError, GpuError, NoAdapterError } from '../errors.js';

export interface AdapterReport {
  /** Human-readable adapter name: vendor, architecture, device, description, whatever is known. */
  name: string;
  /** True for software adapters (SwiftShader): expect ~100× less throughput than a GPU. */
  isFallbackAdapter: boolean;
  /** 'browser' or 'node'. */
  host: 'browser' | 'node';
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterReport;
  /** Resolves (never rejects) when the device is lost. */
  lost: Promise<DeviceLostError>;
  /** Throws the first device loss or uncaptured WebGPU error seen so far, if any. */
  throwIfFailed(): void;
  /** Destroys the device; afterwards the Node process can exit. */
  destroy(): void;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Features to enable where the adapter offers them (e.g. 'timestamp-query' for profiles); see device.features. */
  optionalFeatures?: GPUFeatureName[];
}

/** Limits we ask for up to the adapter's maximum: big batches need big storage buffers. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function acquireDevice(options: AcquireOptions = {}): Promise<GpuContext> {
  const navigatorGpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  let adapter: GPUAdapter | null;
  let host: AdapterReport['host'];
  if (navigatorGpu) {
    host = 'browser';
    adapter = await navigatorGpu.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
    );
    if (!adapter) {
      throw new NoAdapterError(
        'navigator.gpu gave no adapter. Enable WebGPU (Chrome/Edge 113+, or chrome://flags/#enable-unsafe-webgpu on Linux) and hardware acceleration.',
      );
    }
  } else if (typeof process !== 'undefined' && process.versions?.node) {
    host = 'node';
    const { requestNodeAdapter } = await import('./node-gpu.js');
    adapter = (await requestNodeAdapter(options.powerPreference)).adapter;
  } else {
    throw new NoAdapterError(
      'This environment has no WebGPU (navigator.gpu is missing). Use a browser with WebGPU or Node 20+.',
    );
  }

  const requiredLimits: Record<string, number> = {};
  for (const key of RAISED_LIMITS) {
    const value = adapter.limits[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  const requiredFeatures = (options.optionalFeatures ?? []).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  return wrapDevice(device, describeAdapter(adapter, host));
}

function adapterName(info: GPUAdapterInfo | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((p): p is string => !!p);
  return [...new Set(parts)].join(' ');
}

/** CPU implementations of WebGPU, whether or not they call themselves a fallback adapter. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

function describeAdapter(adapter: GPUAdapter, host: AdapterReport['host']): AdapterReport {
  const info = adapter.info;
  const name = adapterName(info);
  const legacyFallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const infoFallback = (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  return {
    name: name || 'unknown adapter',
    isFallbackAdapter: Boolean(infoFallback ?? legacyFallback) || SOFTWARE_ADAPTER.test(name),
    host,
  };
}

/** What kernels choose their shapes by: a GPU, or a CPU implementation of WebGPU. */
export type AdapterClass = 'hardware' | 'software';

/**
 * Node only: makes every kernel choice behave as on that adapter class, so the kernels chosen only
 * on hardware GPUs run (and are tested) on SwiftShader, and the software ones on a GPU. It changes
 * no report: AdapterReport.isFallbackAdapter stays what the adapter is.
 */
export const FORCE_ADAPTER_CLASS_VARIABLE = 'DLNSIM_FORCE_ADAPTER_CLASS';
const ADAPTER_CLASSES: readonly AdapterClass[] = ['hardware', 'software'];

/** The class DLNSIM_FORCE_ADAPTER_CLASS forces, or null when it is unset (always in browsers). */
export function forcedAdapterClass(): AdapterClass | null {
  // Browsers have no process; read it on every call so that tests can set it before a kernel.
  const value = typeof process === 'undefined' ? undefined : process.env?.[FORCE_ADAPTER_CLASS_VARIABLE];
  if (value === undefined || value === '') return null;
  if ((ADAPTER_CLASSES as readonly string[]).includes(value)) return value as AdapterClass;
  throw new DlnsimError(
    `environment variable ${FORCE_ADAPTER_CLASS_VARIABLE} = ${JSON.stringify(value)}: use "hardware" or "software", or leave it unset to take the adapter's own class`,
  );
}

/**
 * Whether kernels choose their shapes as for a device that runs on the CPU (SwiftShader,
 * llvmpipe, …), since a few CPU cores want few, fat invocations and no barriers, and a GPU the
 * opposite: the forced class when DLNSIM_FORCE_ADAPTER_CLASS is set, else the adapter's own. Every
 * kernel choice goes through it (matmul, singular values, SVD, the fused step's "auto").
 */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const forced = forcedAdapterClass();
  if (forced) return forced === 'software';
  const info = device.adapterInfo;
  return (
    Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter) ||
    SOFTWARE_ADAPTER.test(adapterName(info))
  );
}

function wrapDevice(device: GPUDevice, adapter: AdapterReport): GpuContext {
  let failure: Error | null = null;
  let destroyed = false;
  const lost = device.lost.then((info) => {
    const error = new DeviceLostError(info.reason ?? 'unknown', info.message);
    if (!destroyed) failure ??= error;
    return error;
  });
  device.addEventListener('uncapturederror', (event) => {
    const gpuError = (event as GPUUncapturedErrorEvent).error;
    failure ??= new GpuError(`WebGPU error: ${gpuError.message}`);
  });
  return {
    device,
    adapter,
    lost,
    throwIfFailed() {
      if (failure) throw failure;
    },
    destroy() {
      destroyed = true;
      device.destroy();
    },
  };
}
