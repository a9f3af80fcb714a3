import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '@sekisho/model';
import { runCaptured } from '../testing/run-captured.js';
import type { CapturedRun } from '../testing/run-captured.js';
import { gitignoreSkip, parseFsScanners } from './fs.js';

const cli = (...argv: string[]): Promise<CapturedRun> => runCaptured(['--no-cache', '-q', ...argv]);

const LOCK = {
  name: 'demo',
  version: '1.0.0',
  lockfileVersion: 3,
  packages: {
    '': { name: 'demo', version: '1.0.0', dependencies: { lodash: '4.17.15' } },
    'node_modules/lodash': { version: '4.17.15', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz' },
  },
};
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: example/app:1
    securityContext: {privileged: true}
`;
const AWS_KEY = 'aws_access_key_id = AKIAIOSFODNN7EXAMPLF\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY9\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-fs-'));
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify(LOCK));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'demo', version: '1.0.0', dependencies: { lodash: '4.17.15' } }));
  await mkdir(join(dir, 'k8s'));
  await writeFile(join(dir, 'k8s', 'pod.yaml'), PRIVILEGED_POD);
  await writeFile(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN apt-get update\n');
  await mkdir(join(dir, 'conf'));
  await writeFile(join(dir, 'conf', 'credentials'), AWS_KEY);
  await mkdir(join(dir, 'build'));
  await writeFile(join(dir, 'build', 'pod.yaml'), PRIVILEGED_POD);
  await writeFile(join(dir, '.gitignore'), 'build/\n');
  await mkdir(join(dir, '.git'));
  await writeFile(join(dir, '.git', 'config'), AWS_KEY);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function json(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

describe('sekisho fs', () => {
  it('reports lockfile packages, secrets and misconfigurations in one report', async () => {
    const { code, stdout, stderr } = await cli('fs', dir, '--format', 'json', '--no-vulnerabilities');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = json(stdout);
    expect(report.packages.some((p) => p.name === 'lodash' && p.version === '4.17.15')).toBe(true);
    const kinds = new Set(report.findings.map((f) => f.kind));
    expect(kinds).toContain('secret');
    expect(kinds).toContain('misconfiguration');
    expect(report.findings.filter((f) => f.kind === 'misconfiguration').map((f) => f.location?.path)).toContain('/k8s/pod.yaml');
    expect(report.scanners).toContain('config');
  });

  it('--skip-dirs and --skip-files leave content unread and mark it as skipped, not unknown', async () => {
    const { code, stdout } = await cli('fs', dir, '--format', 'json', '--no-vulnerabilities', '--skip-dirs', 'conf,build', '--skip-files', '*.yaml');
    expect(code).toBe(0);
    const report = json(stdout);
    expect(report.findings.filter((f) => f.kind === 'secret' && (f.location?.path ?? '').startsWith('/conf'))).toEqual([]);
    expect(report.findings.filter((f) => f.kind === 'misconfiguration' && (f.location?.path ?? '').endsWith('.yaml'))).toEqual([]);
    expect(report.skipped?.paths).toEqual(expect.arrayContaining(['/build', '/conf', '/k8s/pod.yaml']));
    expect(report.skipped?.patterns).toEqual(['dir:conf', 'dir:build', 'file:*.yaml']);
    expect(report.unknowns).toEqual([]);
  });

  it('--exit-code with --severity: Trivy semantics', async () => {
    expect((await cli('fs', dir, '--no-vulnerabilities', '--scanners', 'misconfig', '--exit-code', '3')).code).toBe(3);
    expect((await cli('fs', dir, '--no-vulnerabilities', '--scanners', 'misconfig', '--exit-code', '3', '--severity', 'NEGLIGIBLE')).code).toBe(0);
    expect((await cli('fs', dir, '--no-vulnerabilities', '--scanners', 'misconfig', '--fail-on', 'HIGH')).code).toBe(1);
  });

  it('refuses a path that is not a directory', async () => {
    expect((await cli('fs', join(dir, 'package.json'))).code).toBe(2);
    expect((await cli('fs', join(dir, 'nope'))).code).toBe(3);
  });
});

describe('sekisho repo', () => {
  it('honours .gitignore and never reads .git', async () => {
    const { code, stdout } = await cli('repo', dir, '--format', 'json', '--no-vulnerabilities');
    expect(code).toBe(0);
    const report = json(stdout);
    expect(report.findings.some((f) => (f.location?.path ?? '').includes('build'))).toBe(false);
    expect(report.findings.some((f) => (f.location?.path ?? '').includes('.git/'))).toBe(false);
    expect(report.findings.filter((f) => f.kind === 'misconfiguration').map((f) => f.location?.path)).toContain('/k8s/pod.yaml');
    expect(report.skipped?.paths).toEqual(expect.arrayContaining(['/.git', '/build']));
  });

  it('gitignoreSkip: nested files, negation, directory-only patterns', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sekisho-gitignore-'));
    try {
      await writeFile(join(root, '.gitignore'), '*.log\n!keep.log\ntmp/\n');
      await mkdir(join(root, 'sub'));
      await writeFile(join(root, 'sub', '.gitignore'), 'secret.txt\n');
      const skip = gitignoreSkip(root);
      expect(skip.test('/a.log', false)).toBe(true);
      expect(skip.test('/keep.log', false)).toBe(false);
      expect(skip.test('/x/tmp', true)).toBe(true);
      expect(skip.test('/tmp', false)).toBe(false);
      expect(skip.test('/sub/secret.txt', false)).toBe(true);
      expect(skip.test('/secret.txt', false)).toBe(false);
      expect(skip.test('/.git', true)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('sekisho rootfs', () => {
  it('is image dir:PATH', async () => {
    const { code, stdout } = await cli('rootfs', dir, '--format', 'json', '--no-vulnerabilities', '--scanners', 'secret');
    expect(code).toBe(0);
    expect(json(stdout).target.sourceType).toBe('rootfs');
  });
});

describe('parseFsScanners', () => {
  it('knows misconfig and config besides the image scanners', () => {
    expect(parseFsScanners('vuln,secret,misconfig')).toEqual({ scanners: new Set(['vuln', 'secret']), misconfig: true });
    expect(parseFsScanners('-misconfig')).toEqual({ scanners: new Set(['vuln', 'secret']), misconfig: false });
    expect(parseFsScanners('+malware')).toEqual({ scanners: new Set(['vuln', 'secret', 'malware']), misconfig: true });
    expect(parseFsScanners('config')).toEqual({ scanners: new Set(), misconfig: true });
  });
});
