#!/usr/bin/env node
// Runs every test suite (the lint step, vitest in Node, Playwright in headless Chromium) and ends
// with one line `N passed, N failed` counting all runners together; the lint step counts as two
// tests (ESLint, Prettier's format check). Exit code 1 if anything failed or a runner crashed
// without reporting.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extra = process.argv.slice(2);

function runner(name, command, args, env = {}) {
  process.stderr.write(`\n=== ${name} ===\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let crashed = false;

// Style first: it takes seconds, and a failure names the file and line to fix.
const lint = [
  runner('lint (eslint)', bin('eslint'), ['.']),
  runner('format (prettier --check; fix with npm run format)', bin('prettier'), ['--check', '**/*.{ts,mjs,js,css}']),
];
for (const code of lint) totals[code === 0 ? 'passed' : 'failed'] += 1;

const vitestJson = join(out, 'vitest.json');
const vitestCode = runner('vitest (Node, Dawn)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
  ...extra,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  if (vitestCode !== 0 && vitest.numFailedTests === 0) crashed = true;
} else crashed = true;

const playwrightJson = join(out, 'playwright.json');
const playwrightCode = runner('playwright (headless Chromium)', bin('playwright'), ['test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
});
const playwright = readJson(playwrightJson);
if (playwright?.stats) {
  totals.passed += playwright.stats.expected + (playwright.stats.flaky ?? 0);
  totals.failed += playwright.stats.unexpected;
  totals.skipped += playwright.stats.skipped;
  if (playwrightCode !== 0 && playwright.stats.unexpected === 0) crashed = true;
} else crashed = true;

if (crashed) {
  totals.failed += 1;
  process.stderr.write(
    'a test runner exited with an error and no failing test to show for it (counted as one failure)\n',
  );
}
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
