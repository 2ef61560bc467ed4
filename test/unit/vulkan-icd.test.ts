/** Choosing SwiftShader before Dawn's first instance when Vulkan has no driver (src/gpu/vulkan-icd.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseVulkanDriver, icdFolders, systemIcdManifests } from '../../src/gpu/vulkan-icd.js';

describe('chooseVulkanDriver', () => {
  let base: string;
  let swiftShader: string;
  /** An environment whose every loader search folder lies under `base`. */
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'dlnsim-icd-test-'));
    swiftShader = join(base, 'vk_swiftshader_icd.json');
    writeFileSync(swiftShader, '{}');
    env = { HOME: join(base, 'home'), XDG_CONFIG_DIRS: join(base, 'etc-xdg'), XDG_DATA_DIRS: join(base, 'share') };
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('searches the folders the Vulkan loader searches, in its order', () => {
    expect(icdFolders({ HOME: '/h', XDG_DATA_DIRS: '/a:/b' })).toEqual([
      '/etc/xdg/vulkan/icd.d',
      '/etc/vulkan/icd.d',
      '/h/.local/share/vulkan/icd.d',
      '/a/vulkan/icd.d',
      '/b/vulkan/icd.d',
      '/usr/share/vulkan/icd.d',
    ]);
  });

  it('points Vulkan at SwiftShader when no driver manifest exists', () => {
    // /etc/vulkan/icd.d and /usr/share/vulkan/icd.d are always searched: only meaningful where they hold no manifest.
    const systemHasNone = systemIcdManifests(['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d']).length === 0;
    expect(chooseVulkanDriver(env, swiftShader)).toBe(systemHasNone);
    if (systemHasNone) expect(env.VK_ICD_FILENAMES).toBe(swiftShader);
  });

  it('leaves the system driver alone when a manifest exists', () => {
    mkdirSync(join(base, 'share', 'vulkan', 'icd.d'), { recursive: true });
    writeFileSync(join(base, 'share', 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
    expect(chooseVulkanDriver(env, swiftShader)).toBe(false);
    expect(env.VK_ICD_FILENAMES).toBeUndefined();
  });

  it("leaves the user's own choice alone, and does nothing without SwiftShader", () => {
    const chosen: NodeJS.ProcessEnv = { ...env, VK_DRIVER_FILES: '/x/icd.json' };
    expect(chooseVulkanDriver(chosen, swiftShader)).toBe(false);
    expect(chosen.VK_ICD_FILENAMES).toBeUndefined();
    expect(chooseVulkanDriver(env, join(base, 'missing.json'))).toBe(false);
    expect(env.VK_ICD_FILENAMES).toBeUndefined();
  });
});
