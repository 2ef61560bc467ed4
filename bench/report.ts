/**
 * The bench's output: the JSON written to bench/results*.json and the Markdown table printed (and
 * pasted into bench/README.md), shared by the Node and browser runners.
 */
import type { AdapterReport } from '../src/gpu/device.js';
import { BASELINE_LABELS, type KernelComparison, LOSS_TOLERANCE, type WorkloadResult } from './measure.js';

export interface BenchReport {
  date: string;
  host: AdapterReport['host'];
  adapter: AdapterReport;
  /** Logical CPUs of the machine (SwiftShader runs on them). */
  cpus?: number;
  quick: boolean;
  budgetSeconds: number;
  repeat: number;
  lossTolerance: number;
  /** `kernels`: the fused-vs-layered comparison, where the runner made one (the browser page). */
  workloads: (WorkloadResult & { loadAverage?: { before: number[]; after: number[] }; kernels?: KernelComparison })[];
}

/** The issue's targets on SwiftShader. */
export const TARGETS = {
  ensembleNetworkStepsPerSecond: 10_000,
  midGflops: 1,
  midTfjsSpeedup: 10,
  recordingShare: 0.2,
};

/**
 * The issue's targets on a real GPU (not measured yet: no GPU was available). Checked only when the
 * adapter is not a software one; large's share of the card's f32 peak needs that peak, which
 * WebGPU does not tell, so its line prints the GFLOP/s to divide by it.
 */
export const GPU_TARGETS = {
  ensembleNumpySpeedup: 100,
  hugeNetworkStepsPerSecond: 1e7,
  largePeakShare: 0.3,
};

const fixed = (x: number, digits: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const rate = (x: number) => (x >= 100 ? fixed(x, 0) : x >= 1 ? fixed(x, 1) : x.toPrecision(2));
const percent = (x: number) => `${fixed(100 * x, 1)}%`;
const load = (values?: number[]) => (values ? values.map((v) => v.toFixed(2)).join(' ') : '—');

export function formatTable(report: BenchReport): string {
  const lines = [
    `adapter: ${report.adapter.name} (${report.host}${report.adapter.isFallbackAdapter ? ', software' : ''})${report.cpus ? `, ${report.cpus} CPUs` : ''}`,
    `${report.quick ? 'quick run (fewer steps); ' : ''}dlnsim: fastest of ${report.repeat} run(s) per spectra mode; baselines stop after ${report.budgetSeconds} s and are extrapolated (see "measured"); losses must agree within ${LOSS_TOLERANCE} relative`,
    '',
    '| workload | implementation | network-steps/s | GFLOP/s | dlnsim speedup | recording | mean loss | loss rel. diff | measured | load avg (1/5/15 min) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const result of report.workloads) {
    const w = result.workload;
    const name = `${w.name}: B=${w.batch}, depth ${w.depth}, ${w.width}×${w.width}, ${result.steps} steps, k=${w.every}, ${result.productsPerStep} products/step`;
    const full = `${w.batch} × ${result.steps} (all)`;
    const loadText = `${load(result.loadAverage?.before)} → ${load(result.loadAverage?.after)}`;
    lines.push(
      `| ${name} | dlnsim, spectra gpu | ${rate(result.engine.networkStepsPerSecond)} | ${rate(result.engine.gflops)} | 1 | ${percent(result.recordingShare)} (${fixed(result.recordMilliseconds, 1)} ms/record) | ${result.finalMeanLoss.toPrecision(6)} | — | ${full} | ${loadText} |`,
      `| | dlnsim, spectra none | ${rate(result.engineNoSpectra.networkStepsPerSecond)} | ${rate(result.engineNoSpectra.gflops)} | ${fixed(result.engineNoSpectra.seconds / result.engine.seconds, 2)}× | 0 | | | ${full} | |`,
    );
    for (const b of result.baselines) {
      const measured = b.extrapolated ? `${b.networks} × ${b.steps}, extrapolated` : full;
      lines.push(
        `| | ${BASELINE_LABELS[b.name]} | ${rate(b.networkStepsPerSecond)} | ${rate(b.gflops)} | ${rate(b.engineSpeedup)}× | | ${b.meanLoss.toPrecision(6)} | ${b.relativeDifference.toExponential(1)} ${b.agrees ? 'ok' : 'DISAGREES'} | ${measured} | |`,
      );
    }
  }
  return [...lines, '', ...kernelLines(report), ...targetLines(report)].join('\n');
}

/** The fused-vs-layered table, for workloads that have the comparison (none: no lines). */
function kernelLines(report: BenchReport): string[] {
  const rows = report.workloads.flatMap(({ workload, kernels: k }) => {
    if (!k) return [];
    if ('skipped' in k) return [`| ${workload.name} | fused not run: ${k.skipped} | | | |`];
    return [
      `| ${workload.name} | ${rate(k.fused.networkStepsPerSecond)} | ${rate(k.layered.networkStepsPerSecond)} | ${fixed(k.ratio, 2)}× | ${k.relativeDifference.toExponential(1)} ${k.agrees ? 'ok' : 'DISAGREES'} |`,
    ];
  });
  if (rows.length === 0) return [];
  return [
    `train.kernel "fused" vs "layered" (spectra none, fastest of ${report.repeat}); every network's loss at every record must agree within ${LOSS_TOLERANCE} relative`,
    '',
    '| workload | fused network-steps/s | layered network-steps/s | fused ÷ layered | loss rel. diff (max) |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}

/** One line per target of the issue that this run measured: value, target, met or not. */
export function targetLines(report: BenchReport): string[] {
  const lines: string[] = [];
  const check = (label: string, value: string, met: boolean) =>
    lines.push(`target ${label}: ${value} — ${met ? 'met' : 'NOT met'}`);
  for (const result of report.workloads) {
    const { name } = result.workload;
    if (name === 'ensemble') {
      const value = result.engine.networkStepsPerSecond;
      check(
        `ensemble ≥ ${TARGETS.ensembleNetworkStepsPerSecond} network-steps/s`,
        rate(value),
        value >= TARGETS.ensembleNetworkStepsPerSecond,
      );
    }
    if (name === 'mid') {
      check(
        `mid ≥ ${TARGETS.midGflops} GFLOP/s`,
        fixed(result.engine.gflops, 2),
        result.engine.gflops >= TARGETS.midGflops,
      );
      const tfjs = result.baselines.find((b) => b.name === 'tfjs');
      if (tfjs)
        check(
          `mid ≥ ${TARGETS.midTfjsSpeedup}× TensorFlow.js`,
          `${rate(tfjs.engineSpeedup)}×`,
          tfjs.engineSpeedup >= TARGETS.midTfjsSpeedup,
        );
    }
    check(
      `${name} recording ≤ ${percent(TARGETS.recordingShare)}`,
      percent(result.recordingShare),
      result.recordingShare <= TARGETS.recordingShare,
    );
    if (report.adapter.isFallbackAdapter) continue;
    const numpy = result.baselines.find((b) => b.name === 'numpy');
    if (name === 'ensemble' && numpy)
      check(
        `(GPU) ensemble ≥ ${GPU_TARGETS.ensembleNumpySpeedup}× numpy`,
        `${rate(numpy.engineSpeedup)}×`,
        numpy.engineSpeedup >= GPU_TARGETS.ensembleNumpySpeedup,
      );
    if (name === 'huge' && !report.quick) {
      const value = result.engine.networkStepsPerSecond;
      check(
        `(GPU) huge ≥ ${GPU_TARGETS.hugeNetworkStepsPerSecond.toExponential()} network-steps/s`,
        rate(value),
        value >= GPU_TARGETS.hugeNetworkStepsPerSecond,
      );
    }
    if (name === 'large')
      lines.push(
        `target (GPU) large ≥ ${percent(GPU_TARGETS.largePeakShare)} of the card's f32 peak: ${fixed(result.engine.gflops, 1)} GFLOP/s — divide by the card's peak`,
      );
  }
  return lines;
}

/** Baselines whose losses did not agree with the engine's: the bench fails on any. */
export function disagreements(report: BenchReport): string[] {
  return report.workloads.flatMap((r) => [
    ...r.baselines
      .filter((b) => !b.agrees)
      .map(
        (b) =>
          `${r.workload.name}: ${BASELINE_LABELS[b.name]} mean loss ${b.meanLoss} vs dlnsim ${b.engineMeanLoss} at step ${b.steps} (relative ${b.relativeDifference.toExponential(2)} > ${LOSS_TOLERANCE})`,
      ),
    ...(r.kernels && 'agrees' in r.kernels && !r.kernels.agrees
      ? [
          `${r.workload.name}: the fused and layered steps' losses differ by ${r.kernels.relativeDifference.toExponential(2)} relative (> ${LOSS_TOLERANCE})`,
        ]
      : []),
  ]);
}
