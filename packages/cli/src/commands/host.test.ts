import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../core/src/host/__fixtures__');
const WEAK = path.join(FIXTURES, 'weak');
const HARDENED = path.join(FIXTURES, 'hardened');

/** A root Deployment without seccomp or AppArmor: the CVE-2022-0492 and runc paths hinge on host facts. */
const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: apps}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers:
      - name: app
        image: example/app:1
        securityContext: {runAsUser: 0, appArmorProfile: {type: Unconfined}}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-host-cli-'));
  process.exitCode = undefined;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

interface OpenPathJson {
  readonly techniqueId: string;
  readonly certainty: string;
  readonly because: readonly string[];
}
async function openPaths(...extra: string[]): Promise<Map<string, OpenPathJson>> {
  const manifest = path.join(dir, 'app.yaml');
  writeFileSync(manifest, WORKLOAD);
  const r = await runCaptured(['config', manifest, '--format', 'json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { workloads: { openPaths: OpenPathJson[] }[] };
  return new Map(doc.workloads[0]!.openPaths.map((p) => [p.techniqueId, p]));
}

describe('sekisho host', () => {
  it('writes a schema-valid JSON report whose findings carry evidence and fixes', async () => {
    const r = await runCaptured(['host', '--root', WEAK, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { schema: string; status: string; scanners: string[]; findings: { ruleId: string; kind: string; fix: string | null; target: { file: string } }[] };
    expect(doc.schema).toBe('sekisho.report/v1');
    expect(doc.scanners).toEqual(['host']);
    const dirtyPipe = doc.findings.find((f) => f.ruleId === 'host-kernel-CVE-2022-0847');
    expect(dirtyPipe).toMatchObject({ kind: 'misconfiguration', target: { file: '/proc/sys/kernel/osrelease' } });
    expect(doc.findings.every((f) => f.fix !== null && f.target.file.startsWith('/'))).toBe(true);
  });

  it('renders SARIF and a table', async () => {
    const sarif = await runCaptured(['host', '--root', WEAK, '--format', 'sarif']);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results.map((x) => x.ruleId)).toContain('host-docker-tcp-without-tls');
    const table = await runCaptured(['host', '--root', WEAK]);
    expect(table.stdout).toContain('Kernel:    5.10.0');
    expect(table.stdout).toContain('Runtime:   runc 1.1.11 (binary-string: /usr/bin/runc)');
    expect(table.stdout).toMatch(/evidence: \/var\/lib\/kubelet\/config\.yaml · authorization\.mode/);
  });

  it('fails --fail-on for findings, and fails closed on a root it could not judge', async () => {
    expect((await runCaptured(['host', '--root', WEAK, '--fail-on', 'critical'])).code).toBe(1);
    // An empty root: no finding, but nothing could be judged either.
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const r = await runCaptured(['host', '--root', empty, '--fail-on', 'critical']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gate failed');
    expect((await runCaptured(['host', '--root', empty, '--fail-on', 'critical', '--allow-incomplete'])).code).toBe(0);
  });

  it('refuses a root that does not exist (exit 3)', async () => {
    expect((await runCaptured(['host', '--root', path.join(dir, 'missing')])).code).toBe(3);
  });

  it('gates on a policy environment (rule kind host)', async () => {
    const policy = path.join(dir, 'policy.yaml');
    writeFileSync(
      policy,
      'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: {name: nodes}\ndefaultEnvironment: prod\nenvironments:\n  prod:\n    rules:\n      kernel: {kind: host, checks: ["host-kernel-*"], severity: low}\n',
    );
    const r = await runCaptured(['host', '--root', WEAK, '--policy', policy, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('policy nodes (environment prod) failed: kernel');
  });
});

describe('sekisho host events and redaction', () => {
  it('appends one event per finding and one that closes the run, about the host by name', async () => {
    const events = path.join(dir, 'events.jsonl');
    const r = await runCaptured(['host', '--root', WEAK, '--format', 'json', '-o', path.join(dir, 'r.json'), '--events-out', events]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8')) as { findings: unknown[] };
    const lines = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { schema: string; kind: string; action: string; result: string; subject: { type: string; id: string }; details: Record<string, unknown> });
    expect(lines).toHaveLength(report.findings.length + 1);
    expect(lines.every((e) => e.schema === 'sekisho.event/v1' && e.kind === 'host' && e.subject.type === 'host' && e.subject.id === 'node-weak-1')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ action: 'host.audit.complete', result: 'success', details: { findings: report.findings.length } });
    expect(lines.find((e) => e.details['ruleId'] === 'host-docker-tcp-without-tls')).toMatchObject({ action: 'host.audit', result: 'detected' });
  });

  it('redacts secret values from host files in the report and the events', async () => {
    const root = path.join(dir, 'root');
    mkdirSync(path.join(root, 'etc/docker'), { recursive: true });
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
    writeFileSync(path.join(root, 'etc/docker/daemon.json'), JSON.stringify({ 'insecure-registries': [`https://ci:${token}@registry.internal`] }));
    const args = ['host', '--root', root, '--format', 'json', '--facts-out', path.join(dir, 'f.json'), '--events-out', path.join(dir, 'e.jsonl')];
    const hidden = await runCaptured(args);
    expect(hidden.stdout).toContain('host-docker-insecure-registries');
    expect(hidden.stdout + readFileSync(path.join(dir, 'e.jsonl'), 'utf8')).not.toContain(token);
    const shown = await runCaptured([...args, '--show-secrets']);
    expect(shown.stdout).toContain(token);
  });

  it('refuses --every below a minute, and a gate that a loop could never report', async () => {
    expect((await runCaptured(['host', '--root', WEAK, '--every', '10s'])).code).toBe(2);
    expect((await runCaptured(['host', '--root', WEAK, '--every', '6h', '--fail-on', 'high'])).code).toBe(2);
    expect((await runCaptured(['host', '--root', WEAK, '--every', 'soon'])).code).toBe(2);
  });
});

describe('sekisho config --host-facts', () => {
  it('turns host-dependent breakout paths open or closed from the facts of sekisho host', async () => {
    const weakFacts = path.join(dir, 'weak.json');
    const hardFacts = path.join(dir, 'hardened.json');
    expect((await runCaptured(['host', '--root', WEAK, '--facts-out', weakFacts, '-o', path.join(dir, 'r.txt')])).code).toBe(0);
    expect((await runCaptured(['host', '--root', HARDENED, '--facts-out', hardFacts, '-o', path.join(dir, 'r2.txt')])).code).toBe(0);
    expect(JSON.parse(readFileSync(weakFacts, 'utf8'))).toMatchObject({ schema: 'sekisho.host-facts/v1', cgroupVersion: 1 });

    const unknown = await openPaths();
    expect(unknown.get('cve-2022-0492')?.certainty).toBe('conditional');
    expect(unknown.get('runc-cve-2024-21626')?.certainty).toBe('conditional');

    const weak = await openPaths('--host-facts', weakFacts);
    expect(weak.get('cve-2022-0492')?.certainty).toBe('open');
    expect(weak.get('cve-2022-0492')?.because).toContain('host allows unprivileged user namespaces');
    expect(weak.get('runc-cve-2024-21626')?.certainty).toBe('open');

    const hardened = await openPaths('--host-facts', hardFacts);
    expect(hardened.has('cve-2022-0492')).toBe(false);
    // The hardened node's kubelet has seccompDefault: the unset profile is RuntimeDefault there.
    expect(weak.has('keyctl-unmask')).toBe(true);
    expect(hardened.has('keyctl-unmask')).toBe(false);
    expect(hardened.has('runc-cve-2024-21626')).toBe(false);

    // An explicit flag overrides the facts file.
    const overridden = await openPaths('--host-facts', hardFacts, '--runc-version', '1.1.11');
    expect(overridden.get('runc-cve-2024-21626')?.certainty).toBe('open');
  });

  it("applies the facts to Compose services too, Docker's userns-remap included", async () => {
    const weakFacts = path.join(dir, 'weak.json');
    const hardFacts = path.join(dir, 'hardened.json');
    await runCaptured(['host', '--root', WEAK, '--facts-out', weakFacts, '-o', path.join(dir, 'r.txt')]);
    await runCaptured(['host', '--root', HARDENED, '--facts-out', hardFacts, '-o', path.join(dir, 'r2.txt')]);
    const compose = path.join(dir, 'compose.yaml');
    writeFileSync(compose, 'services:\n  app:\n    image: example/app:1\n    user: "0"\n');
    const service = async (facts: string) => {
      const r = await runCaptured(['config', compose, '--format', 'json', '--host-facts', facts]);
      expect(r.code, r.stderr).toBe(0);
      const w = (JSON.parse(r.stdout) as { workloads: { layers: Record<string, { state: string }>; openPaths: OpenPathJson[] }[] }).workloads[0]!;
      return { userns: w.layers['user-namespace']!.state, paths: new Map(w.openPaths.map((p) => [p.techniqueId, p.certainty])) };
    };
    const weak = await service(weakFacts);
    expect(weak.userns).toBe('missing');
    expect(weak.paths.get('runc-cve-2024-21626')).toBe('open');
    const hardened = await service(hardFacts);
    expect(hardened.userns).toBe('held');
    expect(hardened.paths.has('runc-cve-2024-21626')).toBe(false);
  });

  it('refuses a malformed facts file (exit 8) and a missing one (exit 2)', async () => {
    const manifest = path.join(dir, 'app.yaml');
    writeFileSync(manifest, WORKLOAD);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema: 'sekisho.host-facts/v1', kernel: 'yes' }));
    expect((await runCaptured(['config', manifest, '--host-facts', bad])).code).toBe(8);
    expect((await runCaptured(['config', manifest, '--host-facts', path.join(dir, 'none.json')])).code).toBe(2);
  });
});
