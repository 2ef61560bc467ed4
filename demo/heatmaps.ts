/**
 * The heatmap panel: the target Y next to the picked network's learned end-to-end matrix W, on
 * one colour range (the target's largest |entry|), with the relative error ‖W − Y‖_F / ‖Y‖_F.
 */
import type { History } from '../src/view/history.js';
import { drawHeatmap, maxAbs } from '../src/view/heatmap.js';
import { formatNumber } from '../src/display/format.js';

export class HeatmapPanel {
  private drawn = '';

  constructor(
    private readonly history: History,
    private readonly targetCanvas: HTMLCanvasElement,
    private readonly learnedCanvas: HTMLCanvasElement,
  ) {}

  refresh(runId: number): void {
    const run = this.history.runs.find((r) => r.run.id === runId) ?? this.history.runs[0]!;
    const key = `${run.run.id}:${this.history.version}`;
    if (key === this.drawn) return;
    this.drawn = key;
    const batch = this.history.info.batches[run.batch]!;
    const target = batch.targets[batch.runIds.indexOf(run.run.id)]!;
    const range = maxAbs(target.data);
    for (const canvas of [this.targetCanvas, this.learnedCanvas])
      canvas.style.setProperty('--aspect', String(target.cols / target.rows));
    drawHeatmap(this.targetCanvas, target.rows, target.cols, target.data, range);
    const label = document.getElementById('heatmap-learned-label')!;
    if (run.matrix) {
      drawHeatmap(this.learnedCanvas, target.rows, target.cols, run.matrix, range);
      let error = 0;
      let norm = 0;
      target.data.forEach((y, i) => {
        error += (run.matrix![i]! - y) ** 2;
        norm += y * y;
      });
      label.textContent = `learned W · step ${run.steps[run.last]} · ‖W − Y‖/‖Y‖ = ${formatNumber(Math.sqrt(error / norm), 3)}`;
    } else {
      label.textContent = run.run.config.record.matrices
        ? 'learned W (no record yet)'
        : 'learned W (record.matrices is off)';
    }
    document.getElementById('heatmap-run')!.textContent = `network ${run.run.id}`;
    document.getElementById('heatmap-min')!.textContent = formatNumber(-range, 3);
    document.getElementById('heatmap-max')!.textContent = formatNumber(range, 3);
  }
}
