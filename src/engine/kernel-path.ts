/**
 * Which step kernel a "layers" batch runs (train.kernel): "fused" (engine/fused-program.ts) when
 * one network's matrices fit the adapter's workgroup memory (and record.linearized is off), else
 * "layered" (layer-program.ts).
 * "auto" keeps the layered path on software adapters: on SwiftShader the fused kernel's workgroup
 * memory and barriers cost more than the launches it saves (ensemble B=256, N=4, 16×16: 1.6k
 * net-steps/s fused vs 6.9k–16k layered, docs/engine.md).
 */
import type { ResolvedConfig } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { isSoftwareDevice } from '../gpu/device.js';
import { fusedMisfit } from '../kernels/fused-layout.js';
import type { TaskData } from '../problem/types.js';

export type KernelPath = 'fused' | 'layered';

export function kernelPath(device: GPUDevice, config: ResolvedConfig, task: TaskData): KernelPath {
  const wanted = config.train.kernel;
  if (wanted === 'layered' || (wanted === 'auto' && isSoftwareDevice(device))) return 'layered';
  // The linearised model trains in its own kernels beside the layered step (linearized.ts).
  if (config.record.linearized) {
    if (wanted === 'fused')
      throw new ConfigError(
        'train.kernel',
        'fused',
        'record.linearized trains the linear model beside the layered step; use "auto" or "layered" with it',
      );
    return 'layered';
  }
  const misfit = fusedMisfit(config.widths, task, device.limits);
  if (misfit === null) return 'fused';
  if (wanted === 'fused')
    throw new ConfigError(
      'train.kernel',
      'fused',
      `${misfit}; use "auto" (layered on these shapes) or "layered", or make the network smaller`,
    );
  return 'layered';
}
