/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

/**
 * One config for the three builds and the unit tests:
 * - `vite` / `vite build`: the demo app (demo/index.html) and the browser test pages.
 * - `vite build --mode node`: the Node library and CLI (dist/node), WGSL inlined by `?raw`.
 * - `vite build --mode lib`: the browser library and the <dln-sim> element (dist/lib, ESM).
 */
export default defineConfig(({ mode }) => {
  if (mode === 'node') {
    return {
      build: {
        ssr: true,
        target: 'node20',
        outDir: 'dist/node',
        emptyOutDir: true,
        rollupOptions: {
          input: { cli: resolve(import.meta.dirname, 'src/cli/main.ts'), index: resolve(import.meta.dirname, 'src/index.ts') },
          output: { format: 'es', entryFileNames: '[name].js' },
        },
      },
    };
  }
  return {
    server: { host: '127.0.0.1' },
    build: {
      outDir: 'dist/demo',
      rollupOptions: { external: ['webgpu'] },
    },
    test: {
      include: ['test/unit/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  };
});
