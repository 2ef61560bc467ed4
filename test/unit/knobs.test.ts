import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { PRESETS } from '../../src/presets/index.js';
import { knob } from '../../src/view/knobs.js';

describe('the svd knob (record.svd, demo form and <dln-sim svd>)', () => {
  const config = PRESETS[0]!.config;

  it('reads the default bisection kernel and writes jacobi into record.svd without touching the input', () => {
    const svd = knob('svd');
    expect(svd.read(config)).toBe('bisection');
    const jacobi = svd.write(config, ' jacobi ');
    expect(jacobi.record.svd).toBe('jacobi');
    expect(svd.read(jacobi)).toBe('jacobi');
    expect(config.record.svd).not.toBe('jacobi');
    expect(resolveConfig({ ...jacobi, seeds: 1 }).record.svd).toBe('jacobi');
  });

  it('rejects an unknown algorithm with an error naming record.svd and the choices', () => {
    expect(() => knob('svd').write(config, 'qr')).toThrow(ConfigError);
    expect(() => knob('svd').write(config, 'qr')).toThrow(/record\.svd.*bisection, jacobi/);
  });
});
