/**
 * Detected plateaus drawn on the live loss plot (demo and <dln-sim>): a translucent bar per
 * plateau at its loss level, in the run's colour, labelled with the modes learned. The same
 * analysis as the results files (analyzeSaddles with the run's saddleContext, docs/analysis.md),
 * run on the page's copy of the records, so what the plot marks is what summary.json will say.
 */
import type uPlot from 'uplot';
import { type Plateau, analyzeSaddles } from '../analysis/index.js';
import { saddleContext } from '../experiment/saddle-context.js';
import type { RunHistory } from './history.js';
import { withAlpha } from '../display/palette.js';

export interface PlateauMark {
  plateau: Plateau;
  colour: string;
}

/** The run's plateaus so far, up to its first non-finite loss (a diverged network's records stop meaning anything). */
export function livePlateaus(history: RunHistory): Plateau[] {
  const points = [];
  for (let i = 0; i < history.steps.length; i++) {
    const loss = history.losses[i]!;
    if (!Number.isFinite(loss)) break;
    const step = history.steps[i]!;
    points.push({
      step,
      time: step * history.run.config.train.lr,
      loss,
      singularValues: history.singularValues[i] ? Array.from(history.singularValues[i]!) : undefined,
    });
  }
  return analyzeSaddles(points, saddleContext(history.run.config)).plateaus;
}

/** Draws the marks over the series; x of a plateau is perStep · step, as the plot's time axis. */
export function plateauMarks(marks: () => PlateauMark[], perStep: number): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const { ctx, bbox } = u;
        const ratio = devicePixelRatio || 1;
        ctx.save();
        ctx.beginPath();
        ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
        ctx.clip();
        ctx.lineCap = 'round';
        ctx.font = `${10 * ratio}px "Inter", system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        for (const { plateau, colour } of marks()) {
          const x0 = u.valToPos(Math.max(plateau.startStep, 1) * perStep, 'x', true);
          const x1 = u.valToPos(plateau.endStep * perStep, 'x', true);
          const y = u.valToPos(plateau.loss, 'y', true);
          if (![x0, x1, y].every(Number.isFinite)) continue;
          ctx.strokeStyle = withAlpha(colour, 0.35);
          ctx.lineWidth = 7 * ratio;
          ctx.beginPath();
          ctx.moveTo(x0, y);
          ctx.lineTo(x1, y);
          ctx.stroke();
          if (plateau.rank !== null && x1 - x0 > 24 * ratio) {
            ctx.fillStyle = colour;
            ctx.fillText(plateau.initial ? 'start' : `k=${plateau.rank}`, (x0 + x1) / 2, y - 5 * ratio);
          }
        }
        ctx.restore();
      },
    },
  };
}
