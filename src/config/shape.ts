/** The target's shape and the widths n_0 … n_N it implies: shared by validation and default filling. */
import type { NetworkConfig, TargetSpec } from './types.js';

export interface Shape {
  rows: number;
  cols: number;
}

/** n_0 … n_N. `{depth, width}` means input = target cols, output = target rows, every hidden layer `width` wide. */
export function networkWidths(network: NetworkConfig, target: Shape): number[] {
  if ('widths' in network) return network.widths;
  return [target.cols, ...Array<number>(network.depth - 1).fill(network.width), target.rows];
}

export function targetShape(target: TargetSpec): Shape {
  return 'matrix' in target
    ? { rows: target.matrix.length, cols: target.matrix[0]!.length }
    : { rows: target.rows, cols: target.cols };
}
