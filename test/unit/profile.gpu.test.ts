/**
 * bench/profile.ts: GPU timestamps around each phase of a step. On the smoke workload every
 * phase is timed as often as it runs (the record once per record step), the times are positive
 * and the shares add up; an adapter without 'timestamp-query' gets the error that says so.
 */
import { afterAll, expect, it } from 'vitest';
import { acquireDevice } from '../../src/gpu/device.js';
import { profileWorkload, formatProfile } from '../../bench/profile.js';
import { SMOKE_WORKLOAD } from '../../bench/workloads.js';
import { allowNoGpu } from '../helpers/gpu.js';

const gpu = await acquireDevice({ optionalFeatures: ['timestamp-query'] }).catch((error: unknown) => {
  if (allowNoGpu) return null;
  throw error;
});
afterAll(() => gpu?.destroy());

it.skipIf(!gpu)('times every phase of the step as often as it runs', async () => {
  if (!gpu!.device.features.has('timestamp-query')) {
    await expect(profileWorkload(gpu!, SMOKE_WORKLOAD)).rejects.toThrow(/offers no 'timestamp-query'/);
    return;
  }
  const profile = await profileWorkload(gpu!, SMOKE_WORKLOAD);
  const steps = 10 * SMOKE_WORKLOAD.every;
  expect(profile.steps).toBe(steps);
  expect(profile.phases.map((p) => p.name)).toEqual([
    'forward products',
    'task residual',
    'record',
    'backward products',
    'updates',
  ]);
  for (const phase of profile.phases) {
    expect(phase.calls).toBe(phase.name === 'record' ? 10 : steps);
    expect(phase.msPerCall).toBeGreaterThan(0);
  }
  expect(profile.phases.reduce((sum, p) => sum + p.share, 0)).toBeCloseTo(1, 12);
  const perStep = profile.phases.reduce((sum, p) => sum + p.msPerCall * p.calls, 0) / steps;
  expect(profile.msPerStep).toBeCloseTo(perStep, 9);
  expect(formatProfile([profile])).toContain('| smoke (');
});
