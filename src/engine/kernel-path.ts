/**
 * Which step kernel a "layers" batch runs (train.kernel): "fused" (engine/fused-program.ts) when
 * one network's matrices fit the adapter's workgroup memory, else "layered" (layer-program.ts).
 */
import type { ResolvedConfig } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { fusedMisfit } from '../kernels/fused-layout.js';
import type { TaskData } from '../problem/types.js';

export type KernelPath = 'fused' | 'layered';

export function kernelPath(device: GPUDevice, config: ResolvedConfig, task: TaskData): KernelPath {
  const wanted = config.train.kernel;
  if (wanted === 'layered') return 'layered';
  const misfit = fusedMisfit(config.widths, task, device.limits);
  if (misfit === null) return 'fused';
  if (wanted === 'fused') throw new ConfigError('train.kernel', 'fused', `${misfit}; use "auto" (layered on these shapes) or "layered", or make the network smaller`);
  return 'layered';
}
