import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package, Report } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';
import { runCaptured } from '../testing/run-captured.js';
import type { CapturedRun } from '../testing/run-captured.js';
import { addTrivyCompat, filterPkgTypes, trivyExitCode } from './trivy-compat.js';

const cli = (...argv: string[]): Promise<CapturedRun> => runCaptured(['--no-cache', ...argv]);

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: example/app:1
    securityContext: {privileged: true}
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-trivy-'));
  await writeFile(join(dir, 'pod.yaml'), PRIVILEGED_POD);
  await writeFile(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'd', version: '1.0.0', lockfileVersion: 3, packages: { '': { name: 'd', version: '1.0.0' }, 'node_modules/ms': { version: '2.1.3' } } }),
  );
  await writeFile(join(dir, 'sbom.cdx.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Trivy and Grype spellings', () => {
  it('severities in any case: --fail-on HIGH, --severity CRITICAL,HIGH', async () => {
    expect((await cli('config', join(dir, 'pod.yaml'), '--fail-on', 'HIGH')).code).toBe(1);
    expect((await cli('config', join(dir, 'pod.yaml'), '-f', 'json', '--fail-on', 'Critical')).code).toBe(1);
    const fs = await cli('-q', 'fs', dir, '--no-vulnerabilities', '--severity', 'CRITICAL,HIGH', '--fail-on', 'CRITICAL', '-f', 'json');
    expect(fs.stderr).not.toContain('unknown severity');
    expect([0, 1]).toContain(fs.code);
    expect((await cli('config', join(dir, 'pod.yaml'), '--fail-on', 'SEVERE')).code).toBe(2);
  });

  it('--exit-code N: N when findings of the listed severities remain (config has findings here)', async () => {
    expect((await cli('config', join(dir, 'pod.yaml'), '--exit-code', '5')).code).toBe(5);
    expect((await cli('config', join(dir, 'pod.yaml'), '--exit-code', '5', '--fail-on', 'low')).code).toBe(1);
    expect((await cli('config', join(dir, 'pod.yaml'), '--exit-code', '300')).code).toBe(2);
  });

  it('--format cyclonedx is cyclonedx-json', async () => {
    const { code, stdout } = await cli('-q', 'sbom', `dir:${dir}`, '--format', 'cyclonedx');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { bomFormat: string }).bomFormat).toBe('CycloneDX');
  });

  it('-o json warns "did you mean --format json?"', async () => {
    const out = join(dir, 'json');
    const { code, stderr } = await cli('sbom', `dir:${dir}`, '-o', out.replace(/json$/, 'json'));
    expect(code).toBe(0);
    expect(stderr).not.toContain('did you mean');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const again = await cli('sbom', `dir:${dir}`, '-o', 'table');
      expect(again.stderr).toContain('did you mean --format table?');
    } finally {
      process.chdir(cwd);
    }
  });

  it('accepts --no-progress, --list-all-pkgs, --pkg-types, --skip-dirs, --skip-files, --offline-scan, --ignorefile on image', async () => {
    const { code, stdout } = await cli(
      '-q',
      'image',
      `dir:${dir}`,
      '--no-progress',
      '--list-all-pkgs',
      '--pkg-types',
      'os',
      '--skip-files',
      'pod.yaml',
      '--offline-scan',
      '--no-vulnerabilities',
      '-f',
      'json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.packages.filter((p) => p.type === 'npm')).toEqual([]);
    expect(report.skipped?.paths).toEqual(['/pod.yaml']);
  });

  it('aliases set our flags: --ignorefile is --ignore-file, --offline-scan is --offline', async () => {
    let seen: Record<string, unknown> = {};
    const command = new Command('image').option('--ignore-file <file>').option('--offline').exitOverride();
    addTrivyCompat(command, { stdout: () => undefined, stderr: () => undefined, isTty: false });
    command.action((flags: Record<string, unknown>) => {
      seen = flags;
    });
    await command.parseAsync(['--ignorefile', 'x.yaml', '--offline-scan'], { from: 'user' });
    expect(seen['ignoreFile']).toBe('x.yaml');
    expect(seen['offline']).toBe(true);
  });

  it('config honours --skip-dirs and --skip-files in the directories it walks', async () => {
    expect((await cli('config', dir, '--exit-code', '4')).code).toBe(4);
    // only JSON files that are not configuration remain: nothing could be judged (exit 8)
    expect((await cli('config', dir, '--skip-files', 'pod.yaml', '--exit-code', '4')).code).toBe(8);
    expect((await cli('config', dir, '--skip-files', '*.json', '--exit-code', '4')).code).toBe(4);
  });

  it('sbom given an SBOM says to use sbom-scan (usage error)', async () => {
    const { code, stderr } = await cli('sbom', join(dir, 'sbom.cdx.json'));
    expect(code).toBe(2);
    expect(stderr).toContain(`sekisho sbom-scan ${join(dir, 'sbom.cdx.json')}`);
  });

  it('the same short flags on every scanning command', () => {
    const commands = ['image', 'sbom', 'sbom-scan', 'config', 'fs', 'rootfs', 'repo'];
    return import('../program.js').then(async ({ buildProgram }) => {
      const program = await buildProgram();
      for (const name of commands) {
        const command = program.commands.find((c) => c.name() === name);
        const shorts = new Map(command?.options.map((o) => [o.long, o.short]));
        expect([name, shorts.get('--format')]).toEqual([name, '-f']);
        expect([name, shorts.get('--output')]).toEqual([name, '-o']);
      }
    });
  });
});

describe('filterPkgTypes and trivyExitCode', () => {
  const pkg = (id: string, type: Package['type']): Package => ({ id, name: id, version: '1', type }) as unknown as Package;
  const report = {
    schema: REPORT_SCHEMA,
    packages: [pkg('a', 'deb'), pkg('b', 'npm')],
    relationships: [{ from: 'a', to: 'b', type: 'depends-on' }],
    findings: [],
    unknowns: [],
    notChecked: [],
  } as unknown as Report;

  it('keeps OS packages, libraries, or both', () => {
    expect(filterPkgTypes(report, { pkgTypes: ['os'] }).packages.map((p) => p.id)).toEqual(['a']);
    expect(filterPkgTypes(report, { pkgTypes: ['library'] }).packages.map((p) => p.id)).toEqual(['b']);
    expect(filterPkgTypes(report, { pkgTypes: ['library'] }).relationships).toEqual([]);
    expect(filterPkgTypes(report, { pkgTypes: ['os', 'library'] })).toBe(report);
  });

  it('exit code only for the listed severities', () => {
    const findings = [{ severity: 'medium' as const }];
    expect(trivyExitCode(findings, { exitCode: 4 })).toBe(4);
    expect(trivyExitCode(findings, { exitCode: 4, severity: 'CRITICAL,HIGH' })).toBe(0);
    expect(trivyExitCode(findings, { exitCode: 4, severity: 'MEDIUM' })).toBe(4);
    expect(trivyExitCode([], { exitCode: 4 })).toBe(0);
  });
});

describe('exit codes that fit', () => {
  it('a missing config path is a usage error (2), not image unreadable (3)', async () => {
    expect((await cli('config', join(dir, 'missing.yaml'))).code).toBe(2);
  });

  it('a missing signing key is a usage error (2), not signature verification (10)', async () => {
    expect((await cli('sign', '--key', join(dir, 'missing.key'), 'registry.invalid/x:1')).code).toBe(2);
    expect((await cli('verify', '--key', join(dir, 'missing.pub'), 'registry.invalid/x:1')).code).toBe(2);
  });

  it('oci:DIR:TAG errors name the directory', async () => {
    const { code, stderr } = await cli('image', `oci:${join(dir, 'no-layout')}:v1`);
    expect(code).toBe(3);
    expect(stderr).toContain(join(dir, 'no-layout'));
    expect(stderr).not.toContain(`${join(dir, 'no-layout')}:v1`);
  });

  it('--db help shows the real default file name', async () => {
    const { stdout } = await cli('image', '--help');
    expect(stdout).toContain('db/advisories.sqlite');
  });
});
