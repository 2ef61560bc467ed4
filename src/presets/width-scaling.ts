/**
 * Width scaling σ² = w^−γ (Jacot et al. 2021, v2): Gaussian layers with variance w^−γ, w the hidden
 * width. For γ < 1 the network stays close to its frozen-NTK linearisation, the closer the wider it
 * is (lazy); for γ > 1 the start shrinks with the width and training goes from saddle to saddle,
 * with plateaus that do not go away as w grows. Both sides are measured: lazyDeviation from
 * record.linearized (docs/analysis.md), plateaus from the loss (run.plateaus, intermediate ones).
 *
 * The grid here is sized to finish in a few minutes on a software adapter; docs/cli.md gives the
 * larger grid for a GPU (`--set` the widths and seeds).
 */
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatNumber } from '../display/format.js';
import { median } from '../analysis/index.js';
import { formatTable } from './table.js';
import type { Preset, Verdict } from './types.js';

/** PASS needs the fitted slope of log median lazyDeviation against log w at every γ < 1 at or below this. */
export const LAZY_SLOPE = -0.5;

export const widthScaling: Preset = {
  name: 'width-scaling',
  description:
    'Init variance w^−γ at depth 3, γ ∈ {0.5,1,1.5,2,3} × width {16,32,64}: γ < 1 lazy (lazyDeviation falls with width), γ > 1 saddle-to-saddle (plateaus that stay)',
  config: {
    name: 'width-scaling',
    task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [4, 2, 1], seed: 1 } },
    network: { depth: 3, width: 16 },
    init: { kind: 'gaussian', gamma: 1, seed: 0 },
    // Θ₀'s top eigenvalue grows like w^{2−2γ} (≈ 3·64 at γ = 0.5, w = 64, more with fluctuations): lr 0.008 measured the
    // linear model diverging there, 0.005 keeps it (and the network) stable.
    train: { lr: 0.005, steps: 10000 },
    record: { every: 20, linearized: true },
    seeds: 2,
    // w = 256 trains at ~5 steps/s on SwiftShader; docs/cli.md gives the GPU grid with it.
    sweep: { 'network.width': [16, 32, 64], 'init.gamma': [0.5, 1, 1.5, 2, 3] },
  },
  verdict: widthVerdict,
};

interface Cell {
  gamma: number;
  width: number;
  lazy: number;
  plateaus: number;
  runs: number;
}

function widthVerdict(result: ExperimentResult): Verdict {
  const claim =
    'With Gaussian layers of variance w^−γ, γ < 1 trains lazily, closer to the frozen-NTK model the wider the network (lazyDeviation falls with w), and γ > 1 ' +
    'trains from saddle to saddle, with plateaus whose number does not fall with w (Jacot et al. 2021, v2).';
  const groups = new Map<string, ExperimentRun[]>();
  for (const run of result.runs) {
    if (run.diverged || run.lazyDeviation === null) continue;
    const key = `${run.config.init.gamma}|${run.config.widths[1]}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const cells: Cell[] = [...groups.values()].map((runs) => ({
    gamma: runs[0]!.config.init.gamma!,
    width: runs[0]!.config.widths[1]!,
    lazy: median(runs.map((r) => r.lazyDeviation!)),
    plateaus: median(runs.map(intermediatePlateaus)),
    runs: runs.length,
  }));
  const gammas = [...new Set(cells.map((c) => c.gamma))].sort((a, b) => a - b);
  const widths = [...new Set(cells.map((c) => c.width))].sort((a, b) => a - b);
  const at = (gamma: number, width: number) => cells.find((c) => c.gamma === gamma && c.width === width);
  const show = (value: number | undefined, digits: number) => (value === undefined ? '–' : formatNumber(value, digits));
  const measured = [
    `median lazyDeviation = max_t ‖A − A_lin‖_F/‖A(0) − Y‖_F (rows γ, columns w; γ = 1 marked *), ${cells[0]?.runs ?? 0} seeds per cell:`,
    ...formatTable(
      ['γ \\ w', ...widths.map(String)],
      gammas.map((g) => [g === 1 ? `${g}*` : String(g), ...widths.map((w) => show(at(g, w)?.lazy, 3))]),
    ),
    'median intermediate plateaus (run.plateaus not initial, not final):',
    ...formatTable(
      ['γ \\ w', ...widths.map(String)],
      gammas.map((g) => [g === 1 ? `${g}*` : String(g), ...widths.map((w) => show(at(g, w)?.plateaus, 2))]),
    ),
  ];
  const lazyGammas = gammas.filter((g) => g < 1);
  const richGammas = gammas.filter((g) => g > 1);
  const slopes = lazyGammas.map((g) => ({
    gamma: g,
    slope: logSlope(widths.flatMap((w) => (at(g, w) ? [[w, at(g, w)!.lazy] as [number, number]] : []))),
  }));
  const richOk = richGammas.map((g) => {
    const counts = widths.flatMap((w) => (at(g, w) ? [at(g, w)!.plateaus] : []));
    return {
      gamma: g,
      ok: counts.length === widths.length && counts[0]! >= 1 && counts.every((c, i) => i === 0 || c >= counts[i - 1]!),
    };
  });
  const complete =
    cells.length === gammas.length * widths.length &&
    widths.length >= 2 &&
    lazyGammas.length > 0 &&
    richGammas.length > 0;
  const pass = complete && slopes.every((s) => s.slope <= LAZY_SLOPE) && richOk.every((r) => r.ok);
  measured.push(
    `γ < 1: slope of log median lazyDeviation vs log w ${slopes.map((s) => `${s.gamma}: ${formatNumber(s.slope, 3)}`).join(', ')} (PASS needs ≤ ${LAZY_SLOPE})`,
    `γ > 1: plateaus present and non-decreasing in w: ${richOk.map((r) => `${r.gamma}: ${r.ok ? 'yes' : 'no'}`).join(', ')}`,
  );
  const summary = complete
    ? `${pass ? 'PASS' : 'FAIL'}: lazy slopes ${slopes.map((s) => formatNumber(s.slope, 3)).join(', ')} (≤ ${LAZY_SLOPE} needed); plateaus kept with width for γ = ${
        richOk
          .filter((r) => r.ok)
          .map((r) => r.gamma)
          .join(', ') || 'none'
      } of ${richGammas.join(', ')}`
    : 'FAIL: the grid is incomplete (diverged runs or no γ on one side of 1)';
  return { claim, measured, pass, summary };
}

function intermediatePlateaus(run: ExperimentRun): number {
  return run.plateaus.filter((p) => !p.initial && !p.final).length;
}

/** Least-squares slope of log y against log x. */
function logSlope(points: [number, number][]): number {
  if (points.length < 2) return NaN;
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxy = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0);
  const sxx = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return sxy / sxx;
}
