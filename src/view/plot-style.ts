/**
 * The look shared by every uPlot chart (demo and element): dark axes, faint grid, tabular digits,
 * log-scale ticks written as powers of ten, and dashed reference lines drawn by a hook.
 */
import type uPlot from 'uplot';
import { formatNumber } from '../display/format.js';

export const AXIS_COLOUR = '#8b95a7';
const GRID_COLOUR = 'rgba(255, 255, 255, 0.06)';
const FONT = '11px "Inter", "Segoe UI", system-ui, sans-serif';
const LABEL_FONT = '12px "Inter", "Segoe UI", system-ui, sans-serif';

export function axis(label: string, log: boolean, side: 'x' | 'y'): uPlot.Axis {
  return {
    label,
    stroke: AXIS_COLOUR,
    font: FONT,
    labelFont: LABEL_FONT,
    labelSize: 18,
    size: side === 'y' ? 52 : 36,
    // At least this many pixels between ticks: small plots then label every other decade.
    space: side === 'y' ? 22 : 40,
    grid: { stroke: GRID_COLOUR, width: 1 },
    ticks: { stroke: GRID_COLOUR, width: 1, size: 4 },
    values: log
      ? (_u, splits) => splits.map(powerOfTen)
      : (_u, splits) => splits.map((v: number | null) => (v === null ? '' : formatNumber(v, 3))),
  };
}

/** Log ticks fall on powers of ten; label those, leave the minor ones (and ticks uPlot dropped for space, null) blank. */
function powerOfTen(value: number | null): string {
  if (value === null || !(value > 0)) return '';
  const exponent = Math.log10(value);
  if (Math.abs(exponent - Math.round(exponent)) > 1e-9) return '';
  const e = Math.round(exponent);
  if (e >= -2 && e <= 3) return String(10 ** e >= 1 ? 10 ** e : Number((10 ** e).toPrecision(1)));
  return `1e${e}`;
}

export interface ReferenceLine {
  value: number;
  colour: string;
  label: string;
}

/** Draws dashed horizontal lines (target singular values, saddle loss levels) under the data. */
export function referenceLines(lines: () => ReferenceLine[]): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u: uPlot) => {
        const { ctx, bbox } = u;
        const ratio = devicePixelRatio || 1;
        ctx.save();
        ctx.setLineDash([5 * ratio, 5 * ratio]);
        ctx.lineWidth = ratio;
        ctx.font = `${10 * ratio}px "Inter", system-ui, sans-serif`;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        // Labels closer than a line of text to the last one drawn are left out, not overprinted.
        let lastLabel = -Infinity;
        for (const line of lines()) {
          const y = u.valToPos(line.value, 'y', true);
          if (!Number.isFinite(y) || y < bbox.top || y > bbox.top + bbox.height) continue;
          ctx.strokeStyle = line.colour;
          ctx.beginPath();
          ctx.moveTo(bbox.left, y);
          ctx.lineTo(bbox.left + bbox.width, y);
          ctx.stroke();
          if (Math.abs(y - lastLabel) < 11 * ratio) continue;
          lastLabel = y;
          ctx.fillStyle = line.colour;
          ctx.fillText(line.label, bbox.left + bbox.width - 4 * ratio, y - 2 * ratio);
        }
        ctx.restore();
      },
    },
  };
}

/** Keeps a chart the size of its container. */
export function fitToContainer(plot: uPlot, container: HTMLElement): ResizeObserver {
  const observer = new ResizeObserver(() => {
    const width = Math.max(120, Math.floor(container.clientWidth));
    const height = Math.max(100, Math.floor(container.clientHeight));
    if (width !== plot.width || height !== plot.height) plot.setSize({ width, height });
  });
  observer.observe(container);
  return observer;
}
