import { expect, test } from '@playwright/test';
import { fromArray, matmul } from '../../src/linalg/matrix.js';
import type { KernelChecks } from './pages/kernels.js';

test('batched matmul in headless Chromium matches Float64', async ({ page }) => {
  await page.goto('/test/browser/pages/kernels.html');
  await page.waitForSelector('body[data-ready="true"]');
  const batch = 3,
    m = 12,
    n = 9,
    k = 10;
  const a = Array.from({ length: batch * m * k }, (_, i) => Math.sin(i * 0.37));
  const b = Array.from({ length: batch * k * n }, (_, i) => Math.cos(i * 0.11));
  const result = await page.evaluate((spec) => (window as unknown as KernelChecks).dlnsimChecks.matmul(spec), {
    batch,
    m,
    n,
    k,
    a,
    b,
  });
  console.log(`adapter: ${result.adapter.name} (fallback: ${result.adapter.isFallbackAdapter})`);
  let worst = 0;
  for (let i = 0; i < batch; i++) {
    const ref = matmul(fromArray(m, k, a, i * m * k), fromArray(k, n, b, i * k * n));
    ref.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(result.values[i * m * n + j] - v))));
  }
  expect(worst).toBeLessThan(k * 2 ** -20);
});
