import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SekishoEvent } from '@sekisho/model';
import { sharedDir } from '@sekisho/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { runCaptured } from '../testing/run-captured.js';
import { runRuntime } from './runtime.js';

const FIXTURES = resolve(import.meta.dirname, '../../../runtime/src/sources/__fixtures__');
const falco = sharedDir('conformance', 'falco');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-runtime-cli-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const SHELL_RULE = `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and container.id != host and proc.name in (sh, bash)
  output: shell %proc.cmdline in %container.id image=%container.image.repository
  priority: WARNING
`;
const execEvent = (name: string, container: string) =>
  JSON.stringify({ time: '2026-12-06T10:00:00.5Z', type: 'execve', proc: { pid: 9, name, args: ['-c', 'id'] }, ancestors: [{ name: 'containerd-shim' }], container: { id: container } });

describe('sekisho runtime validate', () => {
  it('reports Ok per file, and errors with file, line and column (exit 8)', async () => {
    const dir = temp({ 'good.yaml': SHELL_RULE, 'bad.yaml': '- rule: Broken\n  desc: x\n  condition: evt.type = execve and (proc.name = sh\n  output: x\n  priority: WARNING\n' });
    const good = await runCaptured(['runtime', 'validate', join(dir, 'good.yaml')]);
    expect([good.code, good.stdout]).toEqual([0, `${join(dir, 'good.yaml')}: Ok\n1 rules compiled; 0 errors, 0 warnings\n`]);
    const bad = await runCaptured(['runtime', 'validate', join(dir, 'good.yaml'), join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(8);
    expect(bad.stdout).toMatch(new RegExp(`^${join(dir, 'bad.yaml')}:3:14: error: rule 'Broken': .*\\[SYNTAX\\]$`, 'm'));
    expect(bad.stdout).toContain(`${join(dir, 'bad.yaml')}: Invalid`);
  });

  it('with --input, reports rules that cannot run on that input', async () => {
    const dir = temp({ 'tty.yaml': `- rule: TTY shell\n  desc: x\n  condition: evt.type = execve and proc.tty != 0\n  output: "%proc.name"\n  priority: NOTICE\n` });
    const res = await runCaptured(['runtime', 'validate', '--input', 'tetragon', '-f', 'json', join(dir, 'tty.yaml')]);
    const out = JSON.parse(res.stdout) as { rules: number; falco_load_results: { warnings: { message: string }[] }[] };
    expect(res.code).toBe(0);
    expect(out.rules).toBe(0);
    expect(out.falco_load_results[0]!.warnings.map((w) => w.message)).toEqual(['uses field proc.tty, which tetragon does not provide; rule skipped']);
  });
});

describe('sekisho runtime replay', () => {
  it.skipIf(falco === null)('prints Falco JSON alerts for a recorded Kubernetes audit log', async () => {
    const dir = falco ?? '';
    const res = await runCaptured([
      'runtime',
      'replay',
      '--source',
      'k8s_audit',
      '--rules',
      join(dir, 'falcosecurity-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml'),
      '--input',
      join(dir, 'falcosecurity-falco-legacy-tests/test/trace_files/k8s_audit/create_nginx_pod_privileged.json'),
    ]);
    expect(res.code).toBe(0);
    const alerts = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rule: string; priority: string; source: string; output_fields: Record<string, unknown> });
    expect(alerts.filter((a) => a.rule === 'Create Privileged Pod')).toHaveLength(1);
    expect(alerts.find((a) => a.rule === 'Create Privileged Pod')).toMatchObject({
      priority: 'Warning',
      source: 'k8s_audit',
      output_fields: { 'ka.req.pod.containers.image': '(nginx)', 'ka.target.namespace': 'default' },
    });
  });

  it('joins image digest and workload from a container mapping to Sekisho events', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const dir = temp({
      'rules.yaml': SHELL_RULE,
      'events.jsonl': `${execEvent('bash', '4f2a9c1b7e3d')}\n${execEvent('nginx', '4f2a9c1b7e3d')}\n${execEvent('sh', 'host')}\n`,
      'containers.json': JSON.stringify([
        { containerId: `containerd://4f2a9c1b7e3d${'0'.repeat(52)}`, image: 'ghcr.io/acme/shop:2.1', imageDigest: digest, namespace: 'shop', pod: 'web-1', workload: 'ReplicaSet/web-7d9c' },
      ]),
    });
    const res = await runCaptured(['runtime', 'replay', '-s', 'syscall', '-r', join(dir, 'rules.yaml'), '-i', join(dir, 'events.jsonl'), '--containers', join(dir, 'containers.json'), '-f', 'events']);
    expect(res.code).toBe(0);
    const events = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SekishoEvent);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'runtime',
      severity: 'medium',
      action: 'Shell in container',
      result: 'detected',
      subject: { type: 'image', id: digest, digest, namespace: 'shop', name: 'web-1' },
      details: { imageDigest: digest, image: 'ghcr.io/acme/shop:2.1', workload: 'ReplicaSet/web-7d9c', containerId: '4f2a9c1b7e3d' },
      reasons: ['10:00:00.500000000: Warning shell bash -c id in 4f2a9c1b7e3d image=ghcr.io/acme/shop'],
    });
    expect(res.stderr).toBe('3 events, 1 alerts, 0 malformed\n');
  });

  it('prints a table, and runs Sekisho rules on Tetragon and Falco alert recordings', async () => {
    const tetragon = await runCaptured([
      'runtime',
      'replay',
      '-s',
      'tetragon',
      '-r',
      join(FIXTURES, 'tetragon-rules.yaml'),
      '-i',
      join(FIXTURES, 'tetragon-export.jsonl'),
      '-f',
      'table',
      '--skip-malformed',
    ]);
    expect(tetragon.code).toBe(0);
    expect(tetragon.stdout).toContain('2026-12-06T10:00:00.100000000Z  Critical     Shell pipes a download in a container\n');
    expect(tetragon.stderr).toContain("rule 'Interactive shell': uses field proc.tty, which tetragon does not provide");
    const falcoJson = await runCaptured(['runtime', 'replay', '-s', 'falco-json', '-r', join(FIXTURES, 'falco-json-rules.yaml'), '-i', join(FIXTURES, 'falco-alerts.jsonl'), '--skip-malformed']);
    expect(
      falcoJson.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { rule: string }).rule),
    ).toEqual(['Shell in production', 'Exec into production pod']);
  });

  it('fails closed on lines it could not read (exit 3) unless told to skip them', async () => {
    const dir = temp({ 'rules.yaml': SHELL_RULE, 'events.jsonl': `${execEvent('bash', 'c0ffee000001')}\n{"type":\n${'['.repeat(100_000)}\n${'x'.repeat(2_000_000)}\n` });
    const strict = await runCaptured(['runtime', 'replay', '-s', 'syscall', '-r', join(dir, 'rules.yaml'), '-i', join(dir, 'events.jsonl')]);
    expect(strict.code).toBe(3);
    expect(strict.stdout.trim().split('\n')).toHaveLength(1);
    expect(strict.stderr).toContain('1 events, 1 alerts, 3 malformed (1 invalid-json, 1 too-deep, 1 line too long)');
    const lenient = await runCaptured(['runtime', 'replay', '-s', 'syscall', '-r', join(dir, 'rules.yaml'), '-i', join(dir, 'events.jsonl'), '--skip-malformed']);
    expect(lenient.code).toBe(0);
  });

  it('evaluates nothing when the rules do not load (exit 8), as Falco refuses to start', async () => {
    const dir = temp({ 'rules.yaml': SHELL_RULE, 'extra.yaml': '- list: not_defined_before\n  items: [x]\n  append: true\n', 'events.jsonl': `${execEvent('bash', 'c0ffee000001')}\n` });
    const res = await runCaptured(['runtime', 'replay', '-s', 'syscall', '-r', join(dir, 'rules.yaml'), join(dir, 'extra.yaml'), '-i', join(dir, 'events.jsonl')]);
    expect(res.code).toBe(8);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('APPEND_WITHOUT_TARGET');
  });
});

describe('sekisho runtime run', () => {
  function capture(): { io: CliIo; err: () => string } {
    let err = '';
    return { io: { stdout: () => undefined, stderr: (t) => void (err += t), isTty: false }, err: () => err };
  }
  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  }
  const auditRule = `- rule: Exec into pod\n  desc: x\n  source: k8s_audit\n  condition: ka.target.subresource = exec\n  output: "%ka.user.name exec into %ka.target.namespace/%ka.target.name"\n  priority: NOTICE\n`;
  const execAudit = (n: number) =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      stage: 'ResponseComplete',
      verb: 'create',
      user: { username: 'alice' },
      sourceIPs: ['192.0.2.7'],
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: `web-${n}` },
      stageTimestamp: '2026-12-06T10:00:00Z',
    });

  it('receives audit events on the webhook and emits runtime events to the sink', async () => {
    const dir = temp({ 'rules.yaml': auditRule });
    const { io, err } = capture();
    const emitted: SekishoEvent[] = [];
    const controller = new AbortController();
    const done = runRuntime(
      io,
      { rules: [join(dir, 'rules.yaml')], listen: '127.0.0.1:0', maxBody: 1 << 20, queue: 100, interval: 200 },
      { emit: (e) => (emitted.push(e), Promise.resolve()) },
      controller.signal,
    );
    await until(() => err().includes('listening'));
    const url = /on (\S+)/.exec(err())![1]!;
    const res = await fetch(url, {
      method: 'POST',
      body: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${execAudit(1)},${execAudit(2)}]}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    await until(() => emitted.length === 2);
    controller.abort();
    const stats = await done;
    expect(stats).toMatchObject({ events: 2, alerts: 2 });
    expect(emitted[0]).toMatchObject({
      kind: 'runtime',
      severity: 'low',
      principal: 'alice',
      sourceIp: '192.0.2.7',
      subject: { type: 'workload', id: 'shop/pods/web-1' },
      reasons: ['10:00:00.000000000: Notice alice exec into shop/web-1'],
    });
  });

  it("receives Falco's http_output alerts and runs Sekisho rules on them", async () => {
    const { io, err } = capture();
    const emitted: SekishoEvent[] = [];
    const controller = new AbortController();
    const done = runRuntime(
      io,
      { rules: [join(FIXTURES, 'falco-json-rules.yaml')], falcoListen: '127.0.0.1:0', maxBody: 1 << 20, queue: 100, interval: 200 },
      { emit: (e) => (emitted.push(e), Promise.resolve()) },
      controller.signal,
    );
    await until(() => err().includes('listening'));
    const url = /on (\S+)/.exec(err())![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const [prodShell, devShell] = readFileSync(join(FIXTURES, 'falco-alerts.jsonl'), 'utf8').split('\n');
    const post = (body: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await post(prodShell!)).status).toBe(200);
    expect((await post(`[${devShell!},${prodShell!}]`)).status).toBe(200);
    expect((await post('{"rule":"x"}')).status).toBe(400);
    await until(() => emitted.length === 2);
    controller.abort();
    expect(await done).toMatchObject({ events: 3, alerts: 2 });
    expect(emitted.map((e) => e.action)).toEqual(['Shell in production', 'Shell in production']);
  });

  it('follows an audit log file as it grows', async () => {
    const dir = temp({ 'rules.yaml': auditRule, 'audit.log': `${execAudit(1)}\n` });
    const { io } = capture();
    const emitted: SekishoEvent[] = [];
    const controller = new AbortController();
    const done = runRuntime(
      io,
      { rules: [join(dir, 'rules.yaml')], auditLog: join(dir, 'audit.log'), maxBody: 1 << 20, queue: 100, interval: 200 },
      { emit: (e) => (emitted.push(e), Promise.resolve()) },
      controller.signal,
    );
    await until(() => emitted.length === 1);
    appendFileSync(join(dir, 'audit.log'), `not json\n${execAudit(2)}\n`);
    await until(() => emitted.length === 2);
    controller.abort();
    expect(await done).toMatchObject({ events: 2, alerts: 2, malformed: 1 });
  });

  it('needs exactly one input, matching --source when given', async () => {
    const res = await runCaptured(['runtime', 'run', '-r', 'x.yaml', '--proc', '--audit-log', 'a.log']);
    expect(res.code).toBe(2);
    const mismatch = await runCaptured(['runtime', 'run', '-r', 'x.yaml', '--source', 'k8s-audit-webhook', '--audit-log', 'a.log']);
    expect([mismatch.code, mismatch.stderr]).toEqual([2, expect.stringContaining('--source k8s-audit-webhook reads from --listen, not --audit-log')]);
  });
});

describe('sekisho runtime run --proc', () => {
  it('alerts on a process started on this host, in its own namespaces', async () => {
    const { spawn } = await import('node:child_process');
    const dir = temp({
      'rules.yaml': `- rule: Marker sleep\n  desc: x\n  condition: evt.type = execve and proc.name = sleep and proc.args = "7.123"\n  output: "%proc.cmdline parent=%proc.pname uid=%user.uid"\n  priority: WARNING\n`,
    });
    let err = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (err += t), isTty: false };
    const emitted: SekishoEvent[] = [];
    const controller = new AbortController();
    const done = runRuntime(io, { rules: [join(dir, 'rules.yaml')], proc: true, maxBody: 1, queue: 1000, interval: 25 }, { emit: (e) => (emitted.push(e), Promise.resolve()) }, controller.signal);
    for (let i = 0; i < 100 && !err.includes('sampling'); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    // unshare: new UTS and IPC namespaces (no privilege needed beyond what the test runs with); plain exec otherwise.
    const child = spawn('unshare', ['--uts', '--ipc', 'sleep', '7.123'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 200 && emitted.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      child.kill('SIGKILL');
      controller.abort();
    }
    await done;
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ kind: 'runtime', action: 'Marker sleep', subject: { type: 'host' } });
    expect(emitted[0]!.reasons[0]).toMatch(new RegExp(`Warning sleep 7\\.123 parent=\\S+ uid=${process.getuid?.() ?? 0}$`));
  });
});

describe('sekisho runtime replay of input that is not audit events', () => {
  it("reports it in the k8saudit plugin's words and fails (exit 3)", async () => {
    const dir = temp({ 'rules.yaml': `- rule: Any\n  desc: x\n  source: k8s_audit\n  condition: ka.verb exists\n  output: "%ka.verb"\n  priority: INFO\n`, 'bad.json': '{"kind": 0}\n' });
    const res = await runCaptured(['runtime', 'replay', '-s', 'k8s_audit', '-r', join(dir, 'rules.yaml'), '-i', join(dir, 'bad.json')]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('0 events, 0 alerts, 1 malformed (1 data not recognized as a k8s audit event)');
  });
});
