/**
 * Node-only, Linux. Decides, before Dawn creates its first instance, whether Vulkan has a driver of
 * its own or needs Debian's SwiftShader (the CPU implementation that ships with chromium). Asking
 * Dawn first and retrying with SwiftShader works too, but the failed first vkCreateInstance prints
 * "Found no drivers!", VK_ERROR_INCOMPATIBLE_DRIVER and a CheckVkSuccessImpl source path on every
 * run of a machine without a GPU, which reads like a failure. So we look where the Vulkan loader
 * looks for driver manifests (ICD JSON files) and point VK_ICD_FILENAMES at SwiftShader only when
 * there are none. A machine with a manifest whose driver finds no device still gets the retry in
 * node-gpu.ts (and the loader's lines, which then say something true).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's chromium package ships SwiftShader, a CPU implementation of Vulkan. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Environment variables through which a user chooses Vulkan drivers; when set, we leave the choice alone. */
const DRIVER_CHOICE = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'] as const;

/**
 * The folders the Vulkan loader reads driver manifests from on Linux (its LoaderDriverInterface
 * documentation): $XDG_CONFIG_DIRS, /etc, $XDG_DATA_HOME, $XDG_DATA_DIRS and /usr/share, each
 * with vulkan/icd.d appended.
 */
export function icdFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const split = (value: string | undefined, fallback: string) => (value || fallback).split(':').filter(Boolean);
  const home = env.HOME ? join(env.HOME, '.local/share') : undefined;
  const roots = [
    ...split(env.XDG_CONFIG_DIRS, '/etc/xdg'),
    '/etc',
    ...(env.XDG_DATA_HOME ? [env.XDG_DATA_HOME] : home ? [home] : []),
    ...split(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'),
    '/usr/share',
  ];
  return [...new Set(roots.map((root) => join(root, 'vulkan', 'icd.d')))];
}

/** The driver manifests (*.json) the loader would find in `folders`. */
export function systemIcdManifests(folders: readonly string[]): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    found.push(...names.filter((name) => name.endsWith('.json')).map((name) => join(folder, name)));
  }
  return found;
}

/**
 * Points VK_ICD_FILENAMES of `env` at SwiftShader when the user chose no driver, the system has no
 * driver manifest and SwiftShader is installed. Returns true when it did.
 */
export function chooseVulkanDriver(env: NodeJS.ProcessEnv = process.env, swiftShader = SWIFTSHADER_ICD): boolean {
  if (DRIVER_CHOICE.some((name) => env[name])) return false;
  if (systemIcdManifests(icdFolders(env)).length > 0) return false;
  if (!existsSync(swiftShader)) return false;
  env.VK_ICD_FILENAMES = swiftShader;
  return true;
}
