/**
 * l2-local-minima and its completion variant: the held-out error of every run against what decides
 * its minimum. Denoising: against the init scale, one colour per kind of minimum (run.minimum from
 * the closed form of SPEC §7), so the local minima's lower error shows as a separate band.
 * Completion (no closed form): against the final objective J, one colour per final rank, so
 * distinct minima are clusters and a higher J with a lower error stands out.
 */
import type { ExperimentResult, ExperimentRun } from '../../experiment/types.js';
import type { PlotSpec } from '../svg-plot.js';
import { groupBy } from './groups.js';

const scaleOf = (run: ExperimentRun) => run.config.init.scale ?? NaN;
const scored = (run: ExperimentRun) => !run.diverged && run.testError !== null && run.testError > 0;

export function l2LocalMinimaFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter((run) => scored(run) && run.minimum !== null && scaleOf(run) > 0);
  if (runs.length === 0) return [];
  const groups = groupBy(runs, (run) => run.minimum!, String);
  return [
    {
      id: 'figure-l2-local-minima',
      title: 'Held-out error against init scale, by kind of minimum',
      xLabel: 'initialisation scale',
      yLabel: 'testError ‖W − Y_clean‖/‖Y_clean‖',
      x: 'log',
      y: 'log',
      series: groups.map((g) => ({
        label: g.label,
        colour: g.colour,
        style: 'points' as const,
        points: g.runs.map((run) => [scaleOf(run), run.testError!] as const),
      })),
      legend: groups.map((g) => ({ label: `${g.label} (${g.runs.length} runs)`, colour: g.colour })),
      note: 'every run of every (depth, λ, noise draw); the kind of minimum is run.minimum, decided from the closed form',
      width: 560,
      height: 360,
    },
  ];
}

export function l2LocalMinimaCompletionFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter((run) => scored(run) && run.rank !== null && Number.isFinite(run.objective));
  if (runs.length === 0) return [];
  const groups = groupBy(
    runs,
    (run) => run.rank!,
    (rank) => `rank ${rank}`,
  );
  return [
    {
      id: 'figure-l2-local-minima-completion',
      title: 'Held-out error against the objective J reached',
      xLabel: 'final J = C + (λ/2)Σ‖W_k‖²',
      yLabel: 'testError on the unobserved entries',
      // Linear: the minima found differ by a few percent in J, far less than a decade.
      x: 'linear',
      y: 'linear',
      series: groups.map((g) => ({
        label: g.label,
        colour: g.colour,
        style: 'points' as const,
        points: g.runs.map((run) => [run.objective, run.testError!] as const),
      })),
      legend: groups.map((g) => ({ label: `${g.label} (${g.runs.length} runs)`, colour: g.colour })),
      note: 'one point per run, coloured by its final numerical rank: clusters are distinct minima',
      width: 560,
      height: 360,
    },
  ];
}
