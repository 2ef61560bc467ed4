/**
 * A fresh `npm ci` prints no warnings (README): npm warns EBADENGINE for every locked package whose
 * `engines.node` this Node does not satisfy (@axe-core/playwright 4.14 asks for Node ≥ 22.12 and
 * was pinned below it for that reason), so the lockfile is checked here against the running Node.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { expect, it } from 'vitest';

it('every locked package accepts this Node version', () => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[] }>;
  };
  const unsupported = Object.entries(lock.packages).flatMap(([path, entry]) => {
    const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    return range && !semver.satisfies(process.version, range) ? [`${path}: node ${range}`] : [];
  });
  expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
  expect(unsupported).toEqual([]);
});
