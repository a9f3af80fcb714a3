import type { Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { portChecks } from './config-checks.js';

describe('portChecks', () => {
  it('checks every exposed port: 1,000 others sorted before it cannot hide SSH', () => {
    const exposedPorts = [...Array.from({ length: 1_000 }, (_, i) => `${10_000 + i}/tcp`), '22/tcp'].sort();
    const report = { image: { config: { exposedPorts } } } as unknown as Report;
    expect(portChecks(report, true).map((h) => h.check)).toContain('SEK-IMG-017');
  });

  it('judges the whole command: a database server named past the 64th word is still seen', () => {
    const cmd = [...Array.from({ length: 70 }, (_, i) => `--opt-${i}`), 'postgres'];
    const report = {
      target: { reference: 'registry.example/app:1', repoTags: [] },
      packages: [],
      image: { config: { exposedPorts: ['5432/tcp'], entrypoint: [], cmd, labels: {} } },
    } as unknown as Report;
    expect(portChecks(report, undefined)).toEqual([]);
  });
});
