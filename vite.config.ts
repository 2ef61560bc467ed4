/// <reference types="vitest/config" />
import { defineConfig, type UserConfig } from 'vite';
import { resolve } from 'node:path';

/**
 * One config for the three builds and the unit tests:
 * - `vite` / `vite build`: the demo app (demo/index.html) and the browser test pages.
 * - `vite build --mode node`: the Node library and CLI (dist/node), WGSL inlined by `?raw`.
 * - `vite build --mode lib`: the browser library and the <dln-sim> element (dist/lib, ESM).
 */
export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'node') {
    return {
      build: {
        ssr: true,
        target: 'node20',
        outDir: 'dist/node',
        emptyOutDir: true,
        rollupOptions: {
          input: {
            cli: resolve(import.meta.dirname, 'src/cli/main.ts'),
            index: resolve(import.meta.dirname, 'src/index.ts'),
            bench: resolve(import.meta.dirname, 'bench/main.ts'),
            'adapter-info': resolve(import.meta.dirname, 'bench/adapter-info.ts'),
          },
          output: { format: 'es', entryFileNames: '[name].js' },
        },
      },
    };
  }
  // The simulation worker is its own bundle: ES format (device.ts's Node branch is a dynamic
  // import, so the worker splits), with Dawn left out as in the page bundles.
  const worker = { format: 'es' as const, rollupOptions: { external: ['webgpu'] } };
  if (mode === 'lib') {
    return {
      worker,
      build: {
        target: 'es2022',
        outDir: 'dist/lib',
        emptyOutDir: true,
        lib: {
          entry: {
            index: resolve(import.meta.dirname, 'src/index.ts'),
            element: resolve(import.meta.dirname, 'src/element/index.ts'),
          },
          formats: ['es'],
        },
        rollupOptions: { external: ['webgpu'] },
      },
    };
  }
  return {
    server: { host: '127.0.0.1' },
    worker,
    build: {
      outDir: 'dist/demo',
      rollupOptions: {
        external: ['webgpu'],
        input: {
          demo: resolve(import.meta.dirname, 'demo/index.html'),
          element: resolve(import.meta.dirname, 'demo/element.html'),
        },
      },
    },
    test: {
      include: ['test/unit/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  };
});
