#!/usr/bin/env node
// The dlnsim command: runs the CLI built into dist/node/cli.js (src/cli/main.ts).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'dlnsim: the CLI is not built yet (dist/node/cli.js is missing); run `npm run build` in the dlnsim directory first\n',
  );
  process.exit(1);
}
await import(cli.href);
