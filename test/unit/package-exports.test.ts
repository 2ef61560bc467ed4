/**
 * The flow API that docs/flow.md documents is what the built package exports: every name in its
 * "API" block (and flowLogVolume) is importable from the Node build (dist/node/index.js) and from
 * the browser library build (dist/lib/index.js). The names are read from the docs, so a name added
 * there and not exported fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const vite = join(root, 'node_modules', '.bin', 'vite');

function documentedNames(): string[] {
  const docs = readFileSync(join(root, 'docs', 'flow.md'), 'utf8');
  const block = docs.slice(docs.indexOf('## API (`src/flow/`)'));
  const code = block.slice(block.indexOf('```ts') + 5, block.indexOf('```', block.indexOf('```ts') + 5));
  const names = new Set<string>();
  for (const line of code.split('\n')) {
    const match =
      /^(?:class\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[(=<{]/.exec(line.trim()) ??
      /^class\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(line.trim());
    if (match && !line.trim().startsWith('//')) names.add(match[1]!);
    // "eulerStep(f, w, h), rk4Step(f, w, h)": several on one line.
    for (const more of line.matchAll(/,\s*([a-z][A-Za-z0-9]*)\(/g)) names.add(more[1]!);
  }
  names.delete('constructor');
  for (const member of ['readonly', 'step', 'steps', 'get', 'loss']) names.delete(member);
  return [...names, 'flowLogVolume'];
}

describe('the documented flow API is exported by the built package', () => {
  const names = documentedNames();

  // Built into a temporary folder: other tests run the CLI from dist/node meanwhile.
  const out = mkdtempSync(join(tmpdir(), 'dlnsim-package-'));
  beforeAll(() => {
    for (const build of ['node', 'lib'])
      execFileSync(
        vite,
        ['build', '--mode', build, '--outDir', join(out, build), '--emptyOutDir', '--logLevel', 'error'],
        { cwd: root, stdio: 'pipe' },
      );
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('reads the names from docs/flow.md', () => {
    for (const name of [
      'kDepth',
      'kInfinity',
      'logVolumeDensity',
      'ReferenceFlow',
      'endToEndOperator',
      'flowLogVolume',
      'DEFAULT_FLOW_TOLERANCE',
      'eulerStep',
      'rk4Step',
    ])
      expect(names).toContain(name);
  });

  for (const build of ['node', 'lib']) {
    it(`the ${build} build (dist/${build}/index.js) exports every one`, async () => {
      const module = (await import(pathToFileURL(join(out, build, 'index.js')).href)) as Record<string, unknown>;
      expect(names.filter((name) => !(name in module))).toEqual([]);
      // And they work: K^N at σ_i = σ_j is N σ^{2−2/N}; the log-volume of a hand-computed spectrum.
      const kDepth = module.kDepth as (a: number, b: number, n: number) => number;
      expect(kDepth(2, 2, 3)).toBeCloseTo(3 * 2 ** (4 / 3), 12);
    });
  }
});
