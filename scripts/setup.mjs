#!/usr/bin/env node
// Installs what dlnsim needs on a fresh machine, before npm scripts run: the system packages that
// give WebGPU without a GPU (Debian's chromium ships SwiftShader; Dawn in Node needs the Vulkan
// loader libvulkan1), then the npm dependencies. Uses only Node built-ins: node_modules may not
// exist yet. Idempotent and quick when everything is present.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => process.stderr.write(`[setup] ${message}\n`);
const run = (command) =>
  execSync(command, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });

function systemPackages() {
  if (process.platform !== 'linux') return;
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  const hasVulkan = [
    '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
    '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
    '/usr/lib/libvulkan.so.1',
  ].some(existsSync);
  if (!hasVulkan) missing.push('libvulkan1');
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    log(`installing ${missing.join(', ')} with apt-get`);
    run(command);
  } else if (hasApt) {
    log(
      `missing system packages: ${missing.join(', ')}. Install them with:\n  sudo ${command.replace('&& apt-get', '&& sudo apt-get')}`,
    );
    process.exitCode = 1;
  } else {
    log(
      `missing ${missing.join(', ')} (WebGPU software fallback and Vulkan loader): install your distribution's equivalents, or run on a machine with a GPU driver.`,
    );
  }
}

function npmPackages() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && existsSync(join(root, 'node_modules', 'vitest'))) return;
  log('installing npm dependencies (npm ci)');
  run('npm ci --no-audit --no-fund');
}

systemPackages();
npmPackages();
