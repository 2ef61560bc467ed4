/**
 * Node-only. When Dawn enumerates Vulkan devices, Mesa's implicit layer VK_LAYER_MESA_device_select
 * (package mesa-vulkan-drivers, present on most Linux machines) asks libwayland for the display to
 * find the GPU that drives it, and libwayland prints "error: XDG_RUNTIME_DIR is invalid or not set
 * in the environment." on stderr when that variable is not an absolute path, as on servers, in
 * containers and under sudo. Nothing is wrong, but it reads like a failure. With a private, empty
 * runtime directory the Wayland lookup finds no socket and fails silently, exactly as on any
 * machine without Wayland, so the device list and everything else stay the same.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Points XDG_RUNTIME_DIR of `env` at `<base>/dlnsim-runtime-<uid>` when the variable is unset or not
 * absolute (the cases libwayland rejects), and returns that directory; a usable value is left alone.
 * The directory is reused by every run rather than created per process, so nothing piles up in
 * /tmp; since its name is predictable it is used only if it is a real directory (not a link) owned
 * by this user with mode 0700, as the XDG spec requires, and otherwise the variable stays unset
 * (the message is cosmetic).
 */
export function ensureXdgRuntimeDir(env: NodeJS.ProcessEnv = process.env, base = tmpdir()): string | undefined {
  if (env.XDG_RUNTIME_DIR?.startsWith('/')) return undefined;
  const { uid } = userInfo();
  const dir = join(base, `dlnsim-runtime-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o777) !== 0o700) return undefined;
  } catch {
    return undefined;
  }
  env.XDG_RUNTIME_DIR = dir;
  return dir;
}
