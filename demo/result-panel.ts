/**
 * The result panel: after an unedited preset runs to the end, its verdict (PASS/FAIL, the summary
 * line, the measured table) and its figures, the same SVG report.html draws (src/results/figures).
 */
import { PLOT_CSS } from '../src/results/svg-plot.js';
import type { ExportedFiles } from '../src/worker/protocol.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

export function showResultPanel(preset: string, files: ExportedFiles): void {
  if (!document.getElementById('plot-css')) {
    const style = document.createElement('style');
    style.id = 'plot-css';
    style.textContent = PLOT_CSS;
    document.head.append(style);
  }
  const { verdict, figures } = files;
  const badge = $('#result-badge');
  badge.textContent = verdict ? (verdict.pass ? 'PASS' : 'FAIL') : '';
  badge.className = verdict ? `badge ${verdict.pass ? 'pass' : 'fail'}` : '';
  $('#result-title').textContent = preset;
  $('#result-summary').textContent = verdict ? `${verdict.summary} — ${verdict.claim}` : '';
  $('#result-measured').textContent = verdict?.measured.join('\n') ?? '';
  // The figures are dlnsim's own SVG, built from numbers (labels escaped by svg-plot).
  $('#result-figures').innerHTML = figures.join('');
  $('#result-figures').dataset.figures = String(figures.length);
  $('#panel-result').hidden = !verdict && figures.length === 0;
}
