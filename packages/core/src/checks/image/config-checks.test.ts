import type { Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { portChecks } from './config-checks.js';

describe('portChecks', () => {
  it('checks every exposed port: 1,000 others sorted before it cannot hide SSH', () => {
    const exposedPorts = [...Array.from({ length: 1_000 }, (_, i) => `${10_000 + i}/tcp`), '22/tcp'].sort();
    const report = { image: { config: { exposedPorts } } } as unknown as Report;
    expect(portChecks(report, true).map((h) => h.check)).toContain('SEK-IMG-017');
  });
});
