/**
 * The results writers and readers on hand-made results (no GPU): atomic writes, trace.csv,
 * summary.json, the round trip through both that `dlnsim merge` relies on, merging shards, the
 * report page, batch splitting and sharding.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { MAX_RECORD_SLOTS, recordLayout } from '../../src/engine/records.js';
import { experimentRun, fullTrace } from '../../src/experiment/experiment-run.js';
import { logVolumeDensity } from '../../src/flow/volume.js';
import { bytesPerNetwork, networksPerBatch, parseShard, shardRuns, splitBatch } from '../../src/experiment/index.js';
import type { ExperimentResult, Shard } from '../../src/experiment/types.js';
import { ConfigError } from '../../src/errors.js';
import { PRESETS } from '../../src/presets/index.js';
import {
  mergeShards,
  parseSummary,
  parseTraceCsv,
  readResults,
  reportHtml,
  ResultsError,
  restoreResult,
  summaryJson,
  toSummary,
  traceCsv,
  writeFileAtomic,
  writeResults,
} from '../../src/results/index.js';
import { checkMatrixExport, matrixExportBytes } from '../../src/results/matrices-npy.js';
import { resultPathsText } from '../../src/cli/result-text.js';
import { formatExact } from '../../src/results/numbers.js';
import { plotFigure } from '../../src/results/svg-plot.js';

const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-results-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const config: Config = {
  name: 'hand-made',
  task: { kind: 'factorization', target: { rows: 3, cols: 3, singularValues: [2, 1], seed: 1 } },
  network: { depth: 2, width: 3 },
  init: { kind: 'gaussian', std: 0.01, seed: 0 },
  train: { lr: 0.1, steps: 30 },
  record: { every: 10 },
  sweep: { 'train.lr': [0.1, 0.2] },
  seeds: 2,
};

/** A result with made-up traces: run r's loss at record i is 1/(1 + i + r), its spectrum [2, 1, 0.5]/(1 + r). */
function handMade(shard: Shard | null = null, overrides: Partial<ExperimentResult> = {}): ExperimentResult {
  const all = expandRuns(config);
  const runs = shard ? shardRuns(all, shard) : all;
  return {
    config,
    device: { adapter: 'test adapter', fallback: true },
    timing: { seconds: 2, steps: 60, networkSteps: 240, networkStepsPerSecond: 120, kernels: ['fused'] },
    shard,
    aborted: false,
    runs: runs.map((run) => {
      const steps = [0, 10, 20, 30];
      const trace = fullTrace({
        steps,
        times: steps.map((s) => run.config.train.lr * s),
        losses: steps.map((_, i) => Math.fround(1 / (1 + i + run.id))),
        singularValues: steps.map(() => [2, 1, 0.5].map((v) => Math.fround(v / (1 + run.id)))),
        objectives: steps.map((_, i) => Math.fround(2 / (1 + i + run.id))),
        testErrors: steps.map((_, i) => (run.id === 2 ? NaN : Math.fround(0.5 / (1 + i)))),
      });
      return experimentRun(
        run,
        trace,
        run.id === 3 ? { step: 20, reason: 'loss became NaN' } : false,
        run.id === 1 ? { ratio: 1.5, missing: NaN } : {},
      );
    }),
    ...overrides,
  };
}

describe('writeFileAtomic', () => {
  it('writes strings and chunked content', async () => {
    const path = join(scratch, 'atomic.txt');
    await writeFileAtomic(path, 'first');
    expect(await readFile(path, 'utf8')).toBe('first');
    await writeFileAtomic(path, ['a', 'b', 'c']);
    expect(await readFile(path, 'utf8')).toBe('abc');
  });

  it('leaves no partial file and keeps the old one when producing the content fails', async () => {
    const dir = join(scratch, 'failing');
    await mkdir(dir);
    const path = join(dir, 'out.csv');
    await writeFile(path, 'old complete content');
    function* failing() {
      yield 'half of the new ';
      throw new Error('disk full (simulated)');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('disk full');
    expect(await readFile(path, 'utf8')).toBe('old complete content');
    expect(await readdir(dir)).toEqual(['out.csv']);
  });

  it('removes its temporary file when the rename fails', async () => {
    const dir = join(scratch, 'rename');
    await mkdir(join(dir, 'target'), { recursive: true });
    await expect(writeFileAtomic(join(dir, 'target'), 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(scratch, 'missing', 'x.txt'), 'x')).rejects.toThrow(/ENOENT/);
  });
});

describe('trace.csv', () => {
  it('has the header run,step,time,loss,objective,testError,lazyDeviation,unobservedChange,logVolume,entropy,sv1..svR and one row per run per record', () => {
    const text = traceCsv(handMade());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'run,step,time,loss,objective,testError,lazyDeviation,unobservedChange,logVolume,entropy,sv1,sv2,sv3',
    );
    expect(lines).toHaveLength(1 + 4 * 4);
    // time = lr·step without binary noise; f32 values as their shortest round-trip decimal; the
    // volume and entropy of the square W in full (their values: the next test).
    const cells = (line: string) => {
      const c = line.split(',');
      return [...c.slice(0, 6), ...c.slice(10)].join(',');
    };
    expect(cells(lines[1]!)).toBe('0,0,0,1,2,0.5,2,1,0.5');
    expect(cells(lines[2]!)).toBe('0,10,1,0.5,1,0.25,2,1,0.5');
    // No held-out error: an empty cell, never 0.
    expect(cells(lines.find((l) => l.startsWith('2,30,'))!)).toBe(
      '2,30,6,0.16666667,0.33333334,,0.6666667,0.33333334,0.16666667',
    );
    expect(
      lines.slice(1).every((line) =>
        line
          .split(',')
          .slice(8, 10)
          .every((cell) => Number.isFinite(Number(cell)) && cell !== ''),
      ),
    ).toBe(true);
    // A rectangular W has no volume form: empty cells.
    const result = handMade();
    const rectangular = { ...result.runs[0]!, config: { ...result.runs[0]!.config, widths: [4, 5, 3] } };
    expect(traceCsv({ ...result, runs: [rectangular] }).split('\n')[1]).toBe('0,0,0,1,2,0.5,,,,,2,1,0.5');
  });

  it('writes SPEC §8’s log-volume and the group-orbit entropy of a square W at every record', () => {
    const result = handMade();
    const run = result.runs[0]!;
    const square = { ...run, config: { ...run.config, widths: [3, 5, 3] } };
    const lines = traceCsv({ ...result, runs: [square] })
      .trimEnd()
      .split('\n');
    const [, , , , , , , , logVolume, entropy] = lines[1]!.split(',').map(Number);
    // σ = (2, 1, 0.5) at depth 2: ln|σ_i − σ_j| over pairs + 3 ln 2 − ¼ Σ ln σ_i², and ½ Σ ln((σ_i² − σ_j²)/(σ_i − σ_j)) = ½ Σ ln(σ_i + σ_j).
    expect(logVolume).toBeCloseTo(
      Math.log(1 * 1.5 * 0.5) + 3 * Math.log(2) - 0.25 * (Math.log(4) + Math.log(1) + Math.log(0.25)),
      12,
    );
    expect(entropy).toBeCloseTo(0.5 * Math.log(3 * 2.5 * 1.5), 12);
    // Read back, the derived columns are recomputed, not stored: the trace is unchanged.
    expect(parseTraceCsv(lines.join('\n')).get(square.id)!.losses.map(Math.fround)).toEqual(square.trace.losses);
    // An older file without them (and without objective, testError and the linearised columns) still parses; what it lacks is NaN.
    const older = lines
      .map((line) =>
        line
          .split(',')
          .filter((_, c) => c < 4 || c > 9)
          .join(','),
      )
      .join('\n');
    const restored = parseTraceCsv(older).get(square.id)!;
    expect(restored.singularValues.map((v) => v.map(Math.fround))).toEqual(square.trace.singularValues);
    expect(restored.objectives.every(Number.isNaN)).toBe(true);
    expect(restored.objectives).toHaveLength(square.trace.steps.length);
  });

  it('leaves cells empty past a run’s rank', () => {
    const result = handMade();
    result.runs[0]!.trace.singularValues = result.runs[0]!.trace.singularValues.map(() => []);
    expect(traceCsv(result).split('\n')[1]).toBe('0,0,0,1,2,0.5,,,,,,,');
  });

  it('parses back to the same traces (f32 values once rounded to f32)', () => {
    const result = handMade();
    const parsed = parseTraceCsv(traceCsv(result));
    for (const run of result.runs) {
      const trace = parsed.get(run.id)!;
      expect(trace.steps).toEqual(run.trace.steps);
      expect(trace.losses.map(Math.fround)).toEqual(run.trace.losses);
      expect(trace.objectives.map(Math.fround)).toEqual(run.trace.objectives);
      expect(trace.testErrors.map((v) => (Number.isNaN(v) ? v : Math.fround(v)))).toEqual(run.trace.testErrors);
      expect(trace.singularValues.map((s) => s.map(Math.fround))).toEqual(run.trace.singularValues);
      trace.times.forEach((t, i) => expect(t).toBeCloseTo(run.trace.times[i]!, 12));
    }
  });

  it('rejects a file that is not a trace', () => {
    expect(() => parseTraceCsv('a,b\n1,2\n')).toThrow(ResultsError);
    expect(() => parseTraceCsv('run,step,time,loss,objective,testError\n0,1\n', 'x.csv')).toThrow(/x\.csv line 2/);
  });

  it('prints f32 values exactly and doubles in full', () => {
    for (const value of [0.1, 1 / 3, 1e-30, 12345.678, 3e38])
      expect(Math.fround(Number(formatExact(Math.fround(value))))).toBe(Math.fround(value));
    expect(formatExact(Math.fround(0.1))).toBe('0.1');
    expect(formatExact(1 / 3)).toBe(String(1 / 3));
    expect(formatExact(NaN)).toBe('NaN');
  });

  it('finds the shortest decimal as a scan of 1…9 digits does, for random f32 values and powers of two', () => {
    const scan = (value: number) => {
      for (let digits = 1; digits < 9; digits++) {
        const text = value.toPrecision(digits);
        if (Math.fround(Number(text)) === value) return String(Number(text));
      }
      return String(Number(value.toPrecision(9)));
    };
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    let state = 12345;
    const values: number[] = [0, -0];
    for (let k = -149; k <= 127; k++) values.push(2 ** k, -(2 ** k), Math.fround(2 ** k * (1 + 2 ** -23)));
    for (let i = 0; i < 200_000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bits[0] = state;
      if (Number.isFinite(asFloat[0]!)) values.push(asFloat[0]!);
    }
    // Short decimals too (0.1, 2.5e-3, …): values whose shortest form has few digits.
    for (let i = 1; i < 5000; i++) values.push(Math.fround(i / 1000), Math.fround(i * 1e-7), Math.fround(i * 1e5));
    for (const value of values) expect(formatExact(value), String(value)).toBe(scan(value));
  });
});

describe('summary.json', () => {
  it('has every documented field', () => {
    const summary = JSON.parse(
      summaryJson(handMade(), { preset: 'p', verdict: { claim: 'c', measured: ['m'], pass: true, summary: 'PASS' } }),
    );
    expect(Object.keys(summary)).toEqual([
      'version',
      'preset',
      'config',
      'device',
      'timing',
      'shard',
      'aborted',
      'format',
      'tables',
      'sweepPoints',
      'runs',
      'verdict',
    ]);
    expect(summary.tables).toEqual({ runs: 'summary.json', trace: 'trace.csv' });
    expect(summary.device).toEqual({ adapter: 'test adapter', fallback: true });
    expect(Object.keys(summary.timing)).toEqual([
      'seconds',
      'steps',
      'networkSteps',
      'networkStepsPerSecond',
      'kernels',
    ]);
    expect(Object.keys(summary.runs![0])).toEqual([
      'id',
      'overrides',
      'finalStep',
      'finalLoss',
      'diverged',
      'singularValues',
      'rank',
      'effectiveRank',
      'plateaus',
      'unresolvedSaddles',
      'halfTimes',
      'metrics',
      'flowThreshold',
      'logVolume',
      'objective',
      'weightNormSq',
      'testError',
      'minimum',
      'lazyDeviation',
      'unobservedChange',
      'escapeAlignment',
    ]);
    // A layer run has no flow threshold; its square W has a log-volume at its own depth (SPEC §8).
    expect(summary.runs![0]).toMatchObject({ flowThreshold: null });
    expect(summary.runs![0]!.logVolume).toBeCloseTo(
      logVolumeDensity(summary.runs![0]!.singularValues as number[], 2),
      12,
    );
    expect(summary.runs![2].overrides).toEqual({ 'train.lr': 0.2, 'init.seed': 0 });
    expect(summary.runs![0]).toMatchObject({ id: 0, finalStep: 30, finalLoss: 0.25, rank: 3, diverged: false });
    expect(summary.runs![3].diverged).toEqual({ step: 20, reason: 'loss became NaN' });
    expect(summary.runs![1].metrics).toEqual({ ratio: 1.5, missing: null });
    expect(summary.verdict.pass).toBe(true);
  });

  it('pools the seeds of each sweep point with their quantiles', () => {
    const summary = toSummary(handMade());
    expect(summary.sweepPoints.map((p) => [p.label, p.runs, p.diverged])).toEqual([
      ['train.lr = 0.1', 2, 0],
      ['train.lr = 0.2', 2, 1],
    ]);
    // Run r's final loss is fround(1/(4 + r)): runs 0 and 1 at lr 0.1.
    const loss = summary.sweepPoints[0]!.quantiles.finalLoss!;
    expect(loss.min).toBe(Math.fround(1 / 5));
    expect(loss.max).toBe(Math.fround(1 / 4));
    expect(loss.median).toBeCloseTo((Math.fround(1 / 4) + Math.fround(1 / 5)) / 2, 12);
    expect(summary.sweepPoints[0]!.rankCounts).toEqual({ 3: 2 });
  });

  it('reports the flow threshold in force and the final log-volume of flow runs', () => {
    const flowConfig: Config = {
      ...config,
      train: { ...config.train, method: 'flow', flowDepth: 'infinity' },
      sweep: { 'train.flowThreshold': [1e-3] },
      seeds: 1,
    };
    const [explicit] = expandRuns(flowConfig);
    const [byDefault] = expandRuns({ ...flowConfig, sweep: undefined });
    const values = [2, 1, 0.5];
    const trace = fullTrace({ steps: [0], times: [0], losses: [1], singularValues: [values] });
    const runs = [
      experimentRun(byDefault!, trace, false),
      experimentRun(explicit!, trace, false),
      experimentRun(byDefault!, { ...trace, singularValues: [[2, 1, 1]] }, false),
    ];
    const summary = toSummary({ ...handMade(), config: flowConfig, runs });
    expect(summary.runs!.map((r) => r.flowThreshold)).toEqual([1e-4, 1e-3, 1e-4]);
    expect(summary.runs![0]!.logVolume).toBe(logVolumeDensity(values, 'infinity'));
    expect(Number.isFinite(summary.runs![0]!.logVolume)).toBe(true);
    // Coincident σ: the density vanishes (−Infinity), written as null.
    expect(summary.runs![2]!.logVolume).toBeNull();
  });

  it('writes non-finite numbers as null and reads them back as NaN', () => {
    const result = handMade();
    result.runs[0]!.finalLoss = NaN;
    const summary = parseSummary(summaryJson(result), 'summary.json');
    expect(summary.runs![0]!.finalLoss).toBeNull();
    expect(restoreResult(summary, new Map()).runs[0]!.finalLoss).toBeNaN();
  });

  it('rejects other JSON and other versions', () => {
    expect(() => parseSummary('{', 's.json')).toThrow(/s\.json is not valid JSON/);
    expect(() => parseSummary('{"a":1}', 's.json')).toThrow(/not a dlnsim summary/);
    const other = JSON.parse(summaryJson(handMade()));
    other.version = 99;
    expect(() => parseSummary(JSON.stringify(other), 's.json')).toThrow(/version 99/);
    const runless = JSON.parse(summaryJson(handMade()));
    delete runless.runs;
    expect(() => parseSummary(JSON.stringify(runless), 's.json')).toThrow(/format json without runs/);
  });

  it('reads version 1 (runs always in summary.json, no aggregates)', () => {
    const { format: _f, tables: _t, sweepPoints: _s, ...old } = JSON.parse(summaryJson(handMade()));
    const summary = parseSummary(JSON.stringify({ ...old, version: 1 }), 's.json');
    expect(summary.format).toBe('json');
    expect(restoreResult(summary, new Map()).runs).toHaveLength(4);
  });

  it('round-trips through a results directory', async () => {
    const result = handMade();
    const dir = join(scratch, 'roundtrip');
    const paths = await writeResults(dir, result, { preset: null });
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'summary.json', 'trace.csv']);
    expect(paths.summary).toBe(join(dir, 'summary.json'));
    const back = await readResults(dir);
    expect(back.preset).toBeNull();
    expect(back.result.runs.map((r) => r.id)).toEqual(result.runs.map((r) => r.id));
    back.result.runs.forEach((run, i) => {
      const original = result.runs[i]!;
      expect(run.finalLoss).toBe(original.finalLoss);
      expect(run.singularValues).toEqual(original.singularValues);
      expect(run.trace.losses).toEqual(original.trace.losses);
      expect(run.plateaus).toEqual(original.plateaus);
      expect(run.config).toEqual(original.config);
    });
  });

  it('names a missing file when reading a directory that is not a results directory', async () => {
    await expect(readResults(join(scratch, 'nowhere'))).rejects.toThrow(/summary\.json does not exist/);
  });
});

describe('mergeShards', () => {
  const part = (index: number, count: number, result = handMade({ index, count })) => ({
    source: `shard-${index}`,
    preset: null,
    result,
  });

  it('joins shards into the unsharded result, runs sorted by id', () => {
    const { result } = mergeShards([part(2, 3), part(1, 3), part(3, 3)]);
    const whole = handMade();
    expect(result.runs.map((r) => r.id)).toEqual(whole.runs.map((r) => r.id));
    expect(result.runs.map((r) => r.finalLoss)).toEqual(whole.runs.map((r) => r.finalLoss));
    expect(result.shard).toBeNull();
    expect(result.timing.seconds).toBe(6);
    expect(result.timing.networkSteps).toBe(720);
  });

  it('rejects missing, repeated, foreign and unsharded parts', () => {
    expect(() => mergeShards([part(1, 3), part(3, 3)])).toThrow(/shard 2\/3 missing/);
    expect(() => mergeShards([part(1, 2), part(1, 2), part(2, 2)])).toThrow(/given twice/);
    expect(() => mergeShards([part(1, 2), part(2, 3)])).toThrow(/one of 2/);
    const other = handMade({ index: 2, count: 2 }, { config: { ...config, name: 'other' } });
    expect(() => mergeShards([part(1, 2), part(2, 2, other)])).toThrow(/different config/);
    expect(() => mergeShards([{ source: 'whole', preset: null, result: handMade() }])).toThrow(/not a shard/);
    expect(() => mergeShards([part(1, 2), { ...part(2, 2), preset: 'saddle-to-saddle' }])).toThrow(/preset/);
  });
});

describe('report.html', () => {
  const html = reportHtml(handMade(), {
    preset: 'demo <preset>',
    verdict: { claim: 'a claim', measured: ['x = 1'], pass: false, summary: 'FAIL: because' },
  });

  it('is one self-contained page: no scripts, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http|src=|href=/i);
  });

  it('has the loss, spectra, rank and sweep plots, the verdict and the runs', () => {
    for (const heading of [
      'Loss over time',
      'Singular values of the end-to-end matrix',
      'Numerical rank over time',
      'Final numerical rank vs train.lr',
      'Final loss vs train.lr',
    ]) {
      expect(html).toContain(heading);
    }
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('FAIL: because');
    expect(html).toContain('demo &lt;preset&gt;');
    expect(html).toContain('loss became NaN');
  });

  it('draws log axes on powers of ten and says when there is nothing to plot', () => {
    const svg = plotFigure({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      x: 'log',
      y: 'log',
      series: [
        {
          label: 'a',
          colour: '#fff',
          points: [
            [0.01, 1e-5],
            [100, 10],
          ],
        },
      ],
    });
    for (const tick of ['0.01', '0.1', '10', '100', '10⁻⁵', '10⁻³']) expect(svg).toContain(`>${tick}</text>`);
    const empty = plotFigure({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      x: 'log',
      y: 'log',
      series: [{ label: 'a', colour: '#fff', points: [[0, -1]] }],
    });
    expect(empty).toContain('no data to plot');
  });

  it('labels a narrow linear range far from 0 with ticks that differ', () => {
    // J values 0.011264…0.011332: at 3 significant digits every tick read "0.0113".
    const svg = plotFigure({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      x: 'linear',
      y: 'linear',
      series: [
        {
          label: 'a',
          colour: '#fff',
          style: 'points',
          points: [
            [0.011264, 0.5],
            [0.011332, 0.55],
          ],
        },
      ],
    });
    const labels = [...svg.matchAll(/>(0\.0113\d*)<\/text>/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(2);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe('batch splitting and sharding', () => {
  const runs = expandRuns({ ...config, seeds: 5 });

  it('budgets every record slot the Simulator may allocate', () => {
    // 3 × 3 layers: the records buffer (MAX_RECORD_SLOTS slots), not the matrices, is the largest.
    const c = runs[0]!.config;
    const slotFloats = recordLayout(1, c.widths, c.record.spectra, c.record.matrices, c.record.layers, {
      weightNorms: true,
      heldOut: true,
      linearMatrices: 0,
    }).slotFloats;
    expect(bytesPerNetwork(c)).toBe(4 * MAX_RECORD_SLOTS * slotFloats);
  });

  it('splits an oversized batch into the fewest equal parts, order kept', () => {
    const perNetwork = bytesPerNetwork(runs[0]!.config);
    expect(networksPerBatch(runs[0]!.config, 3 * perNetwork + 16)).toBe(3);
    const parts = splitBatch(runs, 3 * perNetwork + 16);
    expect(parts.map((p) => p.length)).toEqual([2, 3, 2, 3]);
    expect(parts.flat()).toEqual(runs);
    expect(splitBatch(runs, 1e12)).toEqual([runs]);
    // A network too large for any batch is left for the Simulator's DeviceLimitError.
    expect(splitBatch(runs.slice(0, 2), 1).map((p) => p.length)).toEqual([1, 1]);
  });

  it('shards round-robin by run id, disjoint and complete', () => {
    const shards = [1, 2, 3].map((index) => shardRuns(runs, { index, count: 3 }));
    expect(shards[0]!.map((r) => r.id)).toEqual([0, 3, 6, 9]);
    expect(
      shards
        .flat()
        .map((r) => r.id)
        .sort((a, b) => a - b),
    ).toEqual(runs.map((r) => r.id));
  });

  it('parses i/n and rejects anything else with a ConfigError', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3']) expect(() => parseShard(bad)).toThrow(ConfigError);
  });
});

describe('presets', () => {
  it('have unique names, one-line descriptions and configs that validate', () => {
    expect(new Set(PRESETS.map((p) => p.name)).size).toBe(PRESETS.length);
    expect(PRESETS[0]!.name).toBe('saddle-to-saddle');
    for (const preset of PRESETS) {
      expect(preset.description).not.toContain('\n');
      expect(expandRuns(preset.config).length).toBeGreaterThan(0);
    }
  });

  it('each have a row in the preset table of docs/cli.md', async () => {
    const docs = await readFile(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('| preset | claim reproduced |')).split('\n\n')[0]!;
    const rows = [...table.matchAll(/^\| `([a-z0-9-]+)`/gm)].map((match) => match[1]);
    expect(rows).toEqual(PRESETS.map((p) => p.name));
  });

  it('give a FAIL verdict, not an exception, on results they cannot judge', () => {
    for (const preset of PRESETS) {
      const verdict = preset.verdict(handMade());
      expect(verdict.pass).toBe(false);
      expect(verdict.summary).toMatch(/^FAIL/);
    }
  });
});

describe('report.html singular values', () => {
  it('draws every recorded value, the unlearned modes far below σ₁ included', async () => {
    const { reportHtml } = await import('../../src/results/report-html.js');
    const result = handMade();
    const run = result.runs[0]!;
    // σ₂ at 1e-9·σ₁ at every record: once dropped by a 1e-6 floor, now a line.
    run.trace.singularValues = run.trace.singularValues.map((values) => [
      values[0] ?? 1,
      1e-9 * (values[0] ?? 1),
      ...values.slice(2),
    ]);
    const html = reportHtml({ ...result, runs: [run] });
    const spectrum = html.slice(html.indexOf('id="clip-spectrum-0"'));
    expect(spectrum.slice(0, spectrum.indexOf('</figure>'))).toContain('<title>σ2</title>');
  });
});

describe('record.matrices as .npy', () => {
  it('writes matrices/run-<id>.npy, shape (records, n_N, n_0) float32, that numpy loads', async () => {
    const result = handMade();
    result.runs = result.runs.map((run) => ({
      ...run,
      config: { ...run.config, record: { ...run.config.record, matrices: true } },
      trace: {
        ...run.trace,
        matrices: run.trace.steps.map((_, i) =>
          Float32Array.from({ length: 9 }, (_, k) => run.id * 100 + i * 10 + k + 0.5),
        ),
      },
    }));
    const dir = join(scratch, 'npy');
    const paths = await writeResults(dir, result);
    // The CLI lists the folder with the other result files.
    expect(paths.matrices).toBe(join(dir, 'matrices'));
    expect(resultPathsText(paths).at(-1)).toBe(`         ${join(dir, 'matrices')}/ (run-<id>.npy per run)`);
    expect((await writeResults(join(scratch, 'no-npy'), handMade())).matrices).toBeNull();
    expect((await readdir(join(dir, 'matrices'))).sort()).toEqual(['run-0.npy', 'run-1.npy', 'run-2.npy', 'run-3.npy']);
    const bytes = await readFile(join(dir, 'matrices', 'run-2.npy'));
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]));
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(4, 3, 3\), \} *\n$/,
    );
    expect(bytes.readFloatLE(10 + headerLength + 4 * (9 * 3 + 4))).toBe(234.5);
    // numpy itself, when it is installed (the docs' loading lines).
    const numpy = spawnSync(
      'python3',
      [
        '-c',
        `import numpy as np; w = np.load(${JSON.stringify(join(dir, 'matrices', 'run-2.npy'))}); print(w.shape, w.dtype, w[3, 1, 1])`,
      ],
      { encoding: 'utf8' },
    );
    if (numpy.status === 0) expect(numpy.stdout.trim()).toBe('(4, 3, 3) float32 234.5');
  });

  it('estimates the export size and refuses one over the limit, naming the fields', () => {
    const runs = expandRuns({ ...config, record: { every: 10, matrices: true } });
    // 4 runs × 4 records × 3·3 floats × 4 bytes.
    expect(matrixExportBytes(runs)).toBe(4 * 4 * 9 * 4);
    expect(matrixExportBytes(expandRuns(config))).toBe(0);
    const big = expandRuns({ ...config, train: { lr: 0.1, steps: 2_000_000 }, record: { every: 1, matrices: true } });
    expect(() => checkMatrixExport(big)).toThrow(ConfigError);
    expect(() => checkMatrixExport(big)).toThrow(
      /record\.matrices.*over the limit of 256\.0 MiB.*record\.every.*train\.steps/,
    );
  });
});
