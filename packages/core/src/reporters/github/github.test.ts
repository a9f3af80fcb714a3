import type { Package, Report } from '@sekisho/model';
import { afterEach, describe, expect, it } from 'vitest';
import { distro, pkg, report } from '../../matchers/__fixtures__/inventory.js';
import { getReporter } from '../registry.js';
import { toGithubSnapshot } from './index.js';
import type { GithubSnapshot } from './index.js';

const npmAt = (name: string, version: string, id: string, path: string, extra: Partial<Package> = {}): Package =>
  pkg('npm', name, version, { id, purl: `pkg:npm/${name}@${version}`, locations: [{ path, layerDigest: 'sha256:l1', diffId: 'sha256:d1', layerIndex: 1 }], ...extra });
const app = npmAt('hello-app', '1.0.0', 'app', '/app/package.json');
const lodash = npmAt('lodash', '4.17.15', 'lodash', '/app/node_modules/lodash/package.json');
const minimist = npmAt('minimist', '1.2.0', 'minimist', '/app/node_modules/minimist/package.json');
const vitest = npmAt('vitest', '1.0.0', 'vitest', '/app/node_modules/vitest/package.json', { metadata: { type: 'language-package', source: 'package-lock.json', fields: { dev: 'true' } } });
const zlib = pkg('deb', 'zlib1g', '1:1.2.13.dfsg-1', { id: 'zlib', purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12' });
const inventory: Report = report([zlib, app, lodash, minimist, vitest], distro('debian', '12'), [
  { from: 'app', to: 'lodash', type: 'depends-on' },
  { from: 'app', to: 'vitest', type: 'depends-on' },
  { from: 'lodash', to: 'minimist', type: 'depends-on' },
]);
const NOW = new Date('2026-12-06T12:00:00Z');
const saved = { ...process.env };

afterEach(() => {
  for (const k of ['GITHUB_SHA', 'GITHUB_REF', 'GITHUB_WORKFLOW', 'GITHUB_JOB', 'GITHUB_RUN_ID']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('--format github (dependency snapshot)', () => {
  it('has the fields of the dependency submission API and one manifest per OS and per application', () => {
    const snap = toGithubSnapshot(inventory, NOW, { GITHUB_SHA: 'a'.repeat(40), GITHUB_REF: 'refs/heads/main', GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'scan', GITHUB_RUN_ID: '42' });
    expect(Object.keys(snap)).toEqual(['version', 'job', 'sha', 'ref', 'detector', 'scanned', 'metadata', 'manifests']);
    expect(snap.version).toBe(0);
    expect(snap.job).toEqual({ correlator: 'ci_scan', id: '42' });
    expect([snap.sha, snap.ref, snap.scanned]).toEqual(['a'.repeat(40), 'refs/heads/main', '2026-12-06T12:00:00.000Z']);
    expect(snap.detector.name).toBe('sekisho');
    expect(Object.keys(snap.manifests).sort()).toEqual(['debian 12', 'npm /app']);
    expect(snap.manifests['npm /app']!.file).toEqual({ source_location: 'app' });
    expect(snap.manifests['debian 12']!.resolved['pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12']).toEqual({
      package_url: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12',
      relationship: 'direct',
      scope: 'runtime',
      dependencies: [],
    });
  });

  it('marks what the application requires direct, what its dependencies require indirect, and dev dependencies development', () => {
    const resolved = toGithubSnapshot(inventory, NOW).manifests['npm /app']!.resolved;
    expect(resolved['pkg:npm/lodash@4.17.15']).toMatchObject({ relationship: 'direct', scope: 'runtime', dependencies: ['pkg:npm/minimist@1.2.0'] });
    expect(resolved['pkg:npm/minimist@1.2.0']).toMatchObject({ relationship: 'indirect', scope: 'runtime' });
    expect(resolved['pkg:npm/vitest@1.0.0']).toMatchObject({ relationship: 'direct', scope: 'development' });
    expect(resolved['pkg:npm/hello-app@1.0.0']!.dependencies).toEqual(['pkg:npm/lodash@4.17.15', 'pkg:npm/vitest@1.0.0']);
  });

  it('is registered, reads the Actions environment, and states completeness in metadata', () => {
    process.env['GITHUB_SHA'] = 'b'.repeat(40);
    process.env['GITHUB_REF'] = 'refs/pull/1/merge';
    const incomplete: Report = { ...inventory, notChecked: [{ scanner: 'vuln', reason: 'no advisory database at /x', fix: 'sekisho db update' }] };
    const snap = JSON.parse(getReporter('github')!.render(incomplete, { now: NOW, color: false })) as GithubSnapshot;
    expect([snap.sha, snap.ref]).toEqual(['b'.repeat(40), 'refs/pull/1/merge']);
    expect(snap.job.correlator).toBe('sekisho_example:latest');
    expect(snap.metadata).toMatchObject({ 'sekisho:status': 'incomplete', 'sekisho:status_fix': 'sekisho db update' });
  });
});
