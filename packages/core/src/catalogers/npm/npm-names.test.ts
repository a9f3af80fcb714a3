import { describe, expect, it } from 'vitest';
import { dependencyNames, npmLicenses } from './npm-names.js';

describe('npm manifest lists are read whole (package.json is bounded by size)', () => {
  it('32 padding licenses cannot hide a 33rd', () => {
    expect(npmLicenses([...Array.from({ length: 32 }, () => 'MIT'), 'GPL-3.0-only'])).toContain('GPL-3.0-only');
  });

  it('every dependency name, past 10,000 too', () => {
    const deps = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`d${i}`, '1.0.0']));
    expect(dependencyNames(deps)).toHaveLength(10_001);
  });
});
