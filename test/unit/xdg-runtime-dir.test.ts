/** The private XDG_RUNTIME_DIR that keeps libwayland quiet when Dawn loads in Node (src/gpu/xdg-runtime-dir.ts). */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureXdgRuntimeDir } from '../../src/gpu/xdg-runtime-dir.js';

describe('ensureXdgRuntimeDir', () => {
  let base: string;
  let expected: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'dlnsim-xdg-test-'));
    expected = join(base, `dlnsim-runtime-${userInfo().uid}`);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it.each([
    ['unset', {}],
    ['empty', { XDG_RUNTIME_DIR: '' }],
    ['relative', { XDG_RUNTIME_DIR: 'run/user' }],
  ])(
    'points a variable that is %s at a private directory (mode 0700), reused by the next run',
    (_, env: NodeJS.ProcessEnv) => {
      expect(ensureXdgRuntimeDir(env, base)).toBe(expected);
      expect(env.XDG_RUNTIME_DIR).toBe(expected);
      expect(statSync(expected).mode & 0o777).toBe(0o700);
      const next: NodeJS.ProcessEnv = {};
      expect(ensureXdgRuntimeDir(next, base)).toBe(expected);
    },
  );

  it('leaves an absolute path alone', () => {
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    expect(ensureXdgRuntimeDir(env, base)).toBeUndefined();
    expect(env.XDG_RUNTIME_DIR).toBe('/run/user/1000');
  });

  it('refuses a directory others can read, and a link, leaving the variable unset', () => {
    mkdirSync(expected);
    chmodSync(expected, 0o755);
    const env: NodeJS.ProcessEnv = {};
    expect(ensureXdgRuntimeDir(env, base)).toBeUndefined();
    expect(env.XDG_RUNTIME_DIR).toBeUndefined();
    rmSync(expected, { recursive: true });
    const elsewhere = mkdtempSync(join(base, 'elsewhere-'));
    symlinkSync(elsewhere, expected);
    expect(ensureXdgRuntimeDir(env, base)).toBeUndefined();
    expect(env.XDG_RUNTIME_DIR).toBeUndefined();
  });
});
