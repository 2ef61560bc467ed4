/**
 * Matrix heatmaps on a 2D canvas, one pixel per entry, scaled up by CSS with crisp edges. A
 * diverging map centred on zero (blue negative, orange positive) with a fixed range shared by the
 * target and the learned matrix, so equal colours mean equal values.
 */
import { rgb } from '../display/palette.js';

const NEGATIVE = rgb('#4f9dff');
const ZERO = rgb('#141922');
const POSITIVE = rgb('#ff9f43');

export function drawHeatmap(
  canvas: HTMLCanvasElement,
  rows: number,
  cols: number,
  values: ArrayLike<number>,
  range: number,
): void {
  canvas.width = cols;
  canvas.height = rows;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i]!;
    const t = Number.isFinite(v) && range > 0 ? Math.max(-1, Math.min(1, v / range)) : 0;
    const end = t < 0 ? NEGATIVE : POSITIVE;
    // sqrt eases small entries into view: a teacher wants to see where the small modes are.
    const w = Math.sqrt(Math.abs(t));
    for (let c = 0; c < 3; c++) image.data[4 * i + c] = Math.round(255 * (ZERO[c]! + (end[c]! - ZERO[c]!) * w));
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** Largest |entry|, the symmetric colour range of a matrix. */
export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) max = Math.max(max, Math.abs(values[i]!));
  return max;
}
