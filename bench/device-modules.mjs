// Prints the packages under node_modules that the device check needs, one folder a line: the
// closure of the roots given on the command line over `dependencies` and the installed
// `optionalDependencies` (native bindings such as rolldown's). Peer dependencies are left out:
// here they are type packages or the roots themselves. bench/device-pack.sh copies the list.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(process.cwd(), 'node_modules');
// Vite loads lightningcss (≈ 10 MiB with its binary) only to transform CSS, which no GPU test
// imports; leaving it out keeps the carry well under 64 MiB (matmul.gpu.test.ts passed without it).
const SKIP = new Set(['lightningcss']);
const seen = new Set();

/** Node's lookup: the nearest node_modules/<name> from the dependent's folder up to the root. */
function locate(name, from) {
  for (let dir = from; dir.startsWith(root); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  const top = join(root, name);
  return existsSync(join(top, 'package.json')) ? top : null;
}

function visit(folder) {
  if (seen.has(folder) || SKIP.has(relative(root, folder))) return;
  seen.add(folder);
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    const found = locate(name, folder);
    if (found) visit(found);
  }
}

for (const name of process.argv.slice(2)) {
  const found = locate(name, root);
  if (!found) throw new Error(`node_modules/${name} is not installed`);
  visit(found);
}
for (const folder of [...seen].sort()) console.log(relative(root, folder));
