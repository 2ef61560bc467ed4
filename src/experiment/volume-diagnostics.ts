/**
 * The volume form and the group-orbit entropy along a run (SPEC §8), from the singular values
 * already recorded (no extra readback): defined for a square end-to-end matrix with every singular
 * value recorded, at the run's own depth (layer runs: N = number of layers; flow runs:
 * train.flowDepth, ∞ included). Undefined values (coinciding or zero σ, a rectangular W, a record
 * without spectra) are null, never a made-up number.
 */
import type { FlowDepth, ResolvedConfig } from '../config/types.js';
import { groupOrbitEntropy, logVolumeDensity } from '../flow/volume.js';

export function volumeDepth(config: ResolvedConfig): FlowDepth {
  return config.train.method === 'flow' ? config.train.flowDepth : config.widths.length - 1;
}

function applicable(config: ResolvedConfig, values: readonly number[]): boolean {
  const size = config.widths[0];
  return (
    size === config.widths[config.widths.length - 1] &&
    values.length === size &&
    size >= 2 &&
    values.every((v) => Number.isFinite(v) && v >= 0)
  );
}

const finite = (value: number) => (Number.isFinite(value) ? value : null);

/** SPEC §8's log-volume density at these singular values, or null where it is undefined. */
export function logVolumeAt(config: ResolvedConfig, values: readonly number[]): number | null {
  return applicable(config, values) ? finite(logVolumeDensity(values, volumeDepth(config))) : null;
}

/** Menon–Yu's group-orbit entropy (up to its constant) at these singular values, or null. */
export function entropyAt(config: ResolvedConfig, values: readonly number[]): number | null {
  return applicable(config, values) ? finite(groupOrbitEntropy(values, volumeDepth(config))) : null;
}
