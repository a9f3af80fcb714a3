import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { requiredTool } from '@sekisho/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { rpmArchiveCataloger } from './index.js';

// A real package file, built by Debian's rpmbuild (.ci/run installs it; in CI a missing one is an error, not a skip).
const onPath = (name: string): boolean => (process.env['PATH'] ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, name)));
const hasRpmbuild = requiredTool(onPath('rpmbuild'), 'rpmbuild', 'apt-get install -y rpm');
const work = mkdtempSync(join(tmpdir(), 'sekisho-rpm-archive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function buildRpm(): Buffer {
  writeFileSync(
    join(work, 'hello.spec'),
    [
      'Name: sekisho-archive',
      'Version: 1.0.1',
      'Release: 3.fx1',
      'Epoch: 1',
      'Summary: tiny test package',
      'License: MIT',
      'Vendor: Sekisho Fixtures',
      'BuildArch: noarch',
      '%description',
      'test',
      '%install',
      'mkdir -p %{buildroot}/usr/share/sekisho',
      'echo hi > %{buildroot}/usr/share/sekisho/hello.txt',
      '%files',
      '/usr/share/sekisho/hello.txt',
      '',
    ].join('\n'),
  );
  execFileSync('rpmbuild', ['-bb', '--define', `_topdir ${join(work, 'top')}`, '--define', '_build_id_links none', join(work, 'hello.spec')], { stdio: 'ignore' });
  const dir = join(work, 'top', 'RPMS', 'noarch');
  return readFileSync(join(dir, readdirSync(dir)[0] ?? ''));
}

describe.skipIf(!hasRpmbuild)('rpm-archive-cataloger', () => {
  it('reads a package file’s main header: name, epoch-qualified version, licence, source RPM, declared', async () => {
    const rpm = buildRpm();
    const out = await catalogFile(rpmArchiveCataloger, '/srv/repo/sekisho-archive-1.0.1-3.fx1.noarch.rpm', rpm);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.licenses, p.evidence, p.source?.name, p.files])).toEqual([
      ['sekisho-archive', '1:1.0.1-3.fx1', 'rpm', ['MIT'], 'declared', 'sekisho-archive', undefined],
    ]);
    // The start of the file is enough: the walker hands over a prefix of a large package.
    expect((await catalogFile(rpmArchiveCataloger, '/x.rpm', rpm.subarray(0, rpm.length - 64))).packages).toHaveLength(1);
  });

  it('says what it could not read: no lead, a cut header, a placeholder', async () => {
    expect((await catalogFile(rpmArchiveCataloger, '/dive-0.10.0.rpm', 'placeholder')).unknowns[0]?.reason).toBe('rpm package file not read: no rpm lead');
    const rpm = buildRpm();
    expect((await catalogFile(rpmArchiveCataloger, '/x.rpm', rpm.subarray(0, 200))).unknowns[0]?.reason).toMatch(/^rpm package file not read: header at offset 96 runs past/);
  });
});
