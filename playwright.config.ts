import { defineConfig } from '@playwright/test';

/**
 * Browser tests run in Debian's Chromium (never a downloaded browser) with WebGPU on SwiftShader
 * when the machine has no GPU. Pages are served by Vite on 127.0.0.1.
 */
const port = Number(process.env.DLNSIM_TEST_PORT ?? 5183);

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  workers: 1,
  reporter: process.env.CI ? 'list' : 'list',
  outputDir: '.test-results/playwright',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: process.env.DLNSIM_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/test/browser/pages/kernels.html`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
