/**
 * The CLI as a process, built from the current source into a scratch folder: its stderr holds
 * none of the Vulkan loader's or Dawn's "no driver" lines, SIGTERM and a double SIGINT leave the
 * results directory with the last complete files or none, and a device lost mid-run keeps the
 * records and exits 1 naming the cause (in-process, destroying the device through io.gpu).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { Config } from '../../src/config/types.js';
import { acquireDevice } from '../../src/gpu/device.js';

const root = resolve(import.meta.dirname, '../..');
/** Inside the repository, so the bundle resolves `webgpu` from its node_modules. */
const bundle = join(root, '.test-results', `cli-${process.pid}`);
const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-process-'));

beforeAll(async () => {
  await build({
    configFile: join(root, 'vite.config.ts'),
    mode: 'node',
    logLevel: 'silent',
    build: { outDir: bundle, emptyOutDir: true },
  });
});
afterAll(async () => {
  await rm(bundle, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** Long enough to be interrupted, with many records so that writing the results takes a while. */
const long: Config = {
  task: { kind: 'factorization', target: { rows: 4, cols: 4, singularValues: [3, 2, 1] } },
  network: { depth: 2, width: 4 },
  init: { kind: 'gaussian', std: 0.1 },
  train: { lr: 0.02, steps: 400_000 },
  record: { every: 2, spectra: 'gpu' },
  seeds: 8,
};

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts the built CLI; `started` resolves once it has begun training (its first line on stderr). */
function start(args: string[]): { child: ChildProcess; started: Promise<void>; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [join(bundle, 'cli.js'), ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let begin: () => void;
  const started = new Promise<void>((r) => (begin = r));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (/ in \d+ batch/.test(stderr)) begin();
  });
  const finished = new Promise<Finished>((r) => child.on('exit', (code, signal) => r({ code, signal, stderr })));
  return { child, started, finished };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The property: no temporary files, and every file present is complete (parses, rows of equal width). */
async function completeOrNone(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).sort();
  for (const name of names)
    expect(['report.html', 'summary.json', 'trace.csv'], `${dir} holds ${name}`).toContain(name);
  if (names.includes('summary.json')) JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
  if (names.includes('trace.csv')) {
    const text = await readFile(join(dir, 'trace.csv'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const rows = text.trimEnd().split('\n');
    const width = rows[0]!.split(',').length;
    expect(rows.every((row) => row.split(',').length === width)).toBe(true);
  }
  if (names.includes('report.html'))
    expect((await readFile(join(dir, 'report.html'), 'utf8')).trimEnd().endsWith('</html>')).toBe(true);
  return names;
}

describe('the CLI process', () => {
  it("prints none of Vulkan's or Dawn's driver-probe lines on stderr", async () => {
    const config = join(scratch, 'quiet.json');
    await writeFile(
      config,
      JSON.stringify({ ...long, train: { lr: 0.02, steps: 20 }, record: { every: 10 }, seeds: 1 }),
    );
    const { finished } = start(['run', config, '--out', join(scratch, 'quiet')]);
    const { code, stderr } = await finished;
    expect(code, stderr).toBe(0);
    for (const noise of ['Found no drivers', 'VK_ERROR_INCOMPATIBLE_DRIVER', 'CheckVkSuccessImpl', 'vkCreateInstance'])
      expect(stderr).not.toContain(noise);
  });

  it('exits 143 on SIGTERM with the results recorded so far, complete', async () => {
    const config = join(scratch, 'long.json');
    await writeFile(config, JSON.stringify(long));
    const out = join(scratch, 'term');
    const { child, started, finished } = start(['run', config, '--out', out]);
    await started;
    await sleep(1500);
    child.kill('SIGTERM');
    const { code, stderr } = await finished;
    expect(code, stderr).toBe(143);
    expect(stderr).toContain('terminated; writing the results recorded so far');
    expect(await completeOrNone(out)).toEqual(['report.html', 'summary.json', 'trace.csv']);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      aborted: boolean;
      runs: unknown[];
    };
    expect(summary.aborted).toBe(true);
    expect(summary.runs).toHaveLength(8);
  });

  it('leaves the last complete files or none after SIGINT twice, the second as soon as the first is seen', async () => {
    const out = join(scratch, 'int-early');
    const { child, finished } = await startLong(out, 1500);
    const acknowledged = new Promise<void>((r) =>
      child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('interrupted;') && r()),
    );
    child.kill('SIGINT');
    await acknowledged;
    child.kill('SIGINT');
    const { code, signal, stderr } = await finished;
    // 130 if the results were written before the second signal landed, else killed by it.
    expect(code === 130 || signal === 'SIGINT', `${stderr}: exit ${code}, signal ${signal}`).toBe(true);
    const names = await completeOrNone(out);
    console.log(`second SIGINT right after the first: results directory holds [${names.join(', ')}]`);
  });

  it('leaves the last complete files or none after SIGINT twice, the second while a file is being written', async () => {
    const out = join(scratch, 'int-mid');
    // Long enough that trace.csv is large (~1 MB) and takes a while to write.
    const { child, finished } = await startLong(out, 6000);
    let exited = false;
    void finished.then(() => (exited = true));
    child.kill('SIGINT');
    let caught: string | undefined;
    while (!exited && caught === undefined) {
      caught = (await readdir(out)).find((name) => name.endsWith('.tmp'));
      if (caught === undefined) await sleep(1);
    }
    child.kill('SIGINT');
    const { signal, stderr } = await finished;
    expect(caught, `no write in progress was seen; ${stderr}`).toBeDefined();
    expect(signal, stderr).toBe('SIGINT');
    const names = await completeOrNone(out);
    console.log(`second SIGINT while ${caught} was being written: results directory holds [${names.join(', ')}]`);
  });
});

/** Starts training `long` into `out` (created empty) and waits `ms` after training began. */
async function startLong(out: string, ms: number) {
  const config = join(scratch, 'long.json');
  await writeFile(config, JSON.stringify(long));
  await mkdir(out, { recursive: true });
  const run = start(['run', config, '--out', out]);
  await run.started;
  await sleep(ms);
  return run;
}

describe('a device lost mid-run', () => {
  it('keeps the records, names the cause and exits 1', async () => {
    const gpu = await acquireDevice();
    const config = join(scratch, 'lost.json');
    await writeFile(config, JSON.stringify({ ...long, seeds: 2 }));
    const out = join(scratch, 'lost');
    let stderr = '';
    let lost = false;
    const code = await runCli(['run', config, '--out', out], {
      stdout: { write: () => true },
      stderr: {
        // A terminal gets a progress line every 250 ms, each after records were delivered.
        isTTY: true,
        write: (text: string) => {
          // Once training has made progress, pull the device away as a driver reset would.
          if (/steps\/s/.test(text) && !lost) {
            lost = true;
            gpu.device.destroy();
          }
          stderr += text;
          return true;
        },
      },
      gpu,
    });
    expect(lost).toBe(true);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/dlnsim: DeviceLostError: WebGPU device lost \(destroyed\)/);
    expect(await completeOrNone(out)).toEqual(['report.html', 'summary.json', 'trace.csv']);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      aborted: boolean;
      runs: { finalStep: number }[];
    };
    expect(summary.aborted).toBe(true);
    expect(summary.runs).toHaveLength(2);
    // Records up to the loss are kept: training got somewhere, and not to the end.
    for (const run of summary.runs) {
      expect(run.finalStep).toBeGreaterThan(0);
      expect(run.finalStep).toBeLessThan(400_000);
    }
  });
});
