import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration (Go time.ParseDuration syntax, as Trivy --timeout)', () => {
  it.each([
    ['5m', 300_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['5m0s', 300_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0', 0],
    ['0s', 0],
  ])('%s', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['', '5', 'm', '5 m', '-5m', '5d', '5m junk'])('refuses %j', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }));
  });
});
