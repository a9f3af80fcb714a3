/**
 * `sekisho image … --server URL --token T` against a real server on loopback: a CLI scan of a
 * fixture image lands in the store; `sekisho config --server` records workloads. Also
 * `sekisho server token create` and the flag checks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SekishoError } from '@sekisho/core';
import { repoRoot, requiredTestData } from '@sekisho/testkit';
import { buildApiServer, hashToken, issueToken, NoJobQueue, openSqliteRepository } from '@sekisho/server';
import type { Repository } from '@sekisho/server';

type FastifyInstance = Awaited<ReturnType<typeof buildApiServer>>;
import { REPORT_SCHEMA } from '@sekisho/model';
import type { Report, SekishoEvent } from '@sekisho/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';
import { runCli } from '../run.js';
import type { CliIo } from '../io.js';
import { parseListen, trustedProxies } from './server.js';
import { openEventOutputs } from './event-outputs.js';
import { pushReport } from './server-push.js';

const fixture = requiredTestData(
  path.join(process.env['SEKISHO_FIXTURES_DIR'] ?? path.join(repoRoot(), '.fixtures', 'images'), 'debian-app', 'oci'),
  'folder',
  'run scripts/build-fixture-images.sh debian-app',
);
if (fixture === null) console.warn('image --server test skipped: the debian-app fixture image is not built');

/** The smallest report a server accepts. */
const tiny: Report = {
  schema: REPORT_SCHEMA,
  tool: { name: 'sekisho', version: '0.0.0-test' },
  target: { reference: 'registry.example/app:1', sourceType: 'registry', manifestDigest: `sha256:${'7'.repeat(64)}`, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages: [],
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};

let dir: string;
let repository: Repository;
let app: FastifyInstance;
let url: string;
let scanner: string;
let viewer: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-server-cli-'));
  repository = await openSqliteRepository({ path: path.join(dir, 'server.db') });
  app = await buildApiServer({ repository, queue: new NoJobQueue() });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  scanner = (await issueToken(repository, { name: 'ci', role: 'scanner', createdBy: 'test' })).token;
  viewer = (await issueToken(repository, { name: 'reader', role: 'viewer', createdBy: 'test' })).token;
});
afterAll(async () => {
  await app?.close();
  await repository?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sekisho image --server', () => {
  it.skipIf(fixture === null)(
    'pushes a real scan of a fixture image into the server',
    async () => {
      const run = await runCaptured(['image', `oci:${fixture}`, '--scanners', 'secret,hardening', '--format', 'json', '--server', url, '--token', scanner]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/recorded in http:\/\/127\.0\.0\.1:\d+ as scan [0-9a-f-]{36} of sha256:/);
      const local = JSON.parse(run.stdout) as { target: { manifestDigest: string }; packages: unknown[]; findings: unknown[] };
      const image = await repository.getImage(local.target.manifestDigest);
      expect(image?.digest).toBe(local.target.manifestDigest);
      const [scan] = (await repository.listScans(local.target.manifestDigest)).items;
      expect(scan).toMatchObject({ packageCount: local.packages.length, findingCount: local.findings.length, scanners: expect.arrayContaining(['secret', 'hardening']) });
      // the audit row is written once the answer is sent: wait for it
      let audited = (await repository.listAudit({ action: 'scans.record' })).items;
      for (let i = 0; i < 100 && audited.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        audited = (await repository.listAudit({ action: 'scans.record' })).items;
      }
      expect(audited[0]).toMatchObject({ principal: 'ci', result: 'success', target: local.target.manifestDigest });
    },
    120_000,
  );

  it('fails with the server’s reason when the token may not record scans (exit 9)', async () => {
    const error = await pushReport(tiny, { url: new URL(url), token: viewer }, null, { stdout: () => {}, stderr: () => {}, isTty: false }, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SekishoError);
    expect((error as SekishoError).code).toBe('REGISTRY_HTTP');
    expect((error as SekishoError).message).toMatch(/HTTP 403.*needs the scanner role/);
    const down = await pushReport(tiny, { url: new URL('http://127.0.0.1:1'), token: scanner }, null, { stdout: () => {}, stderr: () => {}, isTty: false }, true).catch((e: unknown) => e);
    expect((down as SekishoError).message).toMatch(/could not push the report to http:\/\/127\.0\.0\.1:1/);
  });

  it('checks --server and --token before scanning', async () => {
    const noToken = await runCaptured(['image', 'oci:/nonexistent', '--server', url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/--server needs --token/);
    expect((await runCaptured(['image', 'oci:/nonexistent', '--server', 'ftp://x', '--token', 't'])).code).toBe(2);
    expect((await runCaptured(['image', 'oci:/nonexistent', '--server', 'http://u:p@x', '--token', 't'])).stderr).toMatch(/must not carry credentials/);
    expect((await runCaptured(['image', 'oci:/nonexistent', '--token', 't'])).code).toBe(2);
  });
});

describe('sekisho config --server', () => {
  it('records a real configuration audit under its cluster; the server lists the workloads worst first', async () => {
    const manifest = path.join(dir, 'shop.yaml');
    writeFileSync(
      manifest,
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: { name: web, namespace: shop }',
        'spec:',
        '  hostNetwork: true',
        '  containers:',
        '    - { name: app, image: registry.example/shop/web:1, securityContext: { privileged: true } }',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: { name: batch, namespace: shop }',
        'spec:',
        '  containers:',
        '    - { name: job, image: registry.example/shop/batch:1, securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } } }',
        '',
      ].join('\n'),
    );
    const run = await runCaptured(['config', manifest, '--server', url, '--token', scanner, '--cluster', 'prod-eu', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/recorded in http:\/\/127\.0\.0\.1:\d+ as audit [0-9a-f-]{36} of prod-eu: 2 workload\(s\)/);
    const workloads = (await repository.listWorkloads({ cluster: 'prod-eu' })).items;
    expect(workloads.map((w) => w.name)).toEqual(['web', 'batch']);
    expect(workloads[0]?.openPaths).toBeGreaterThan(0);
    expect(workloads[0]?.layers['host-namespaces']?.state).toBe('missing');
    expect((await runCaptured(['config', manifest, '--server', url, '--token', scanner])).stderr).toMatch(/--server needs --cluster/);
    expect((await runCaptured(['config', manifest, '--cluster', 'x'])).code).toBe(2);
  });
});

describe('the sekisho event output', () => {
  it('carries real runtime alerts from a component to the server: kept for the timeline and filed under an incident', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'sekisho-output-'));
    const previousSpool = process.env['SEKISHO_SPOOL_DIR'];
    try {
      writeFileSync(
        path.join(work, 'rules.yaml'),
        '- rule: Shell in container\n  desc: a shell started in a container\n  condition: evt.type = execve and container.id != host and proc.name in (sh, bash)\n  output: shell %proc.cmdline in %container.id\n  priority: WARNING\n',
      );
      const exec = (name: string) =>
        JSON.stringify({ time: '2026-12-06T10:00:00.5Z', type: 'execve', proc: { pid: 9, name, args: ['-c', 'id'] }, ancestors: [{ name: 'containerd-shim' }], container: { id: '4f2a9c1b7e3d' } });
      writeFileSync(path.join(work, 'events.jsonl'), `${exec('bash')}\n${exec('sh')}\n`);
      writeFileSync(
        path.join(work, 'containers.json'),
        JSON.stringify([{ containerId: `containerd://4f2a9c1b7e3d${'0'.repeat(52)}`, image: 'ghcr.io/acme/shop:2.1', namespace: 'payments', pod: 'web-1', workload: 'ReplicaSet/web-7d9c' }]),
      );
      const replay = await runCaptured([
        'runtime',
        'replay',
        '-s',
        'syscall',
        '-r',
        path.join(work, 'rules.yaml'),
        '-i',
        path.join(work, 'events.jsonl'),
        '--containers',
        path.join(work, 'containers.json'),
        '-f',
        'events',
      ]);
      expect(replay.code, replay.stderr).toBe(0);
      const alerts = replay.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as SekishoEvent);
      expect(alerts).toHaveLength(2);
      writeFileSync(path.join(work, 'outputs.yaml'), `outputs:\n  server:\n    type: sekisho\n    url: ${url}\n    token: { env: SEKISHO_OUTPUT_TEST_TOKEN }\n    spool: { maxBytes: 1MiB }\n`);
      process.env['SEKISHO_OUTPUT_TEST_TOKEN'] = scanner;
      process.env['SEKISHO_SPOOL_DIR'] = path.join(work, 'spool');
      const outputs = await openEventOutputs(path.join(work, 'outputs.yaml'));
      for (const alert of alerts) await outputs.sink.emit(alert);
      await outputs.close(10_000);
      const kept = (await repository.listEvents({ namespace: 'payments' })).items.map((e) => e.event.id);
      expect(kept.sort()).toEqual(alerts.map((a) => a.id).sort());
      const incidents = (await repository.listIncidents({})).items.filter((i) => i.subject.namespace === 'payments');
      expect(incidents).toHaveLength(1);
      expect(incidents[0]?.eventCount).toBe(2);
    } finally {
      delete process.env['SEKISHO_OUTPUT_TEST_TOKEN'];
      if (previousSpool === undefined) delete process.env['SEKISHO_SPOOL_DIR'];
      else process.env['SEKISHO_SPOOL_DIR'] = previousSpool;
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('sekisho server', () => {
  it('serves the API over a SQLite file until SIGTERM: probes, the bootstrap admin token, jobs queued in its in-process pool, the dashboard, audit events to --outputs', async () => {
    const admin = 'a-bootstrap-admin-token-of-at-least-32-chars';
    const previous = process.env['SEKISHO_ADMIN_TOKEN'];
    const previousSpool = process.env['SEKISHO_SPOOL_DIR'];
    process.env['SEKISHO_ADMIN_TOKEN'] = admin;
    process.env['SEKISHO_SPOOL_DIR'] = path.join(dir, 'spool');
    // A webhook receiver on loopback for the server's events (the outputs of sekisho.yaml).
    const received: { kind: string; action: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as { kind: string; action: string });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
    const hookPort = (receiver.address() as AddressInfo).port;
    writeFileSync(path.join(dir, 'outputs.yaml'), `outputs:\n  hook:\n    type: webhook\n    url: http://127.0.0.1:${hookPort}/events\n`);
    let stderr = '';
    const io: CliIo = { stdout: () => {}, stderr: (t) => void (stderr += t), isTty: false };
    const running = runCli(
      ['-q', 'server', '--database', `sqlite:${path.join(dir, 'served.db')}`, '--listen', '127.0.0.1:0', '--db', path.join(dir, 'no-advisories.sqlite'), '--outputs', path.join(dir, 'outputs.yaml')],
      io,
    );
    try {
      let base: string | undefined;
      for (let i = 0; i < 200 && base === undefined; i++) {
        base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (base === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(base, stderr).toBeDefined();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'ci', role: 'scanner' }) });
      expect(created.status).toBe(201);
      const job = await fetch(`${base}/api/v1/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ kind: 'scan-repository', repository: 'r.example/app' }) });
      expect(job.status).toBe(202);
      const queued = (await job.json()) as { id: string; kind: string };
      expect(queued.kind).toBe('scan-repository');
      expect((await fetch(`${base}/api/v1/jobs/${queued.id}`, { headers: auth })).status).toBe(200);
      const ui = await fetch(`${base}/ui/`);
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(await ui.text()).toContain('<div id="app">');
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^sekisho_advisory_db_age_seconds nan$/im);
      // every API request is an audit event, delivered to the webhook output
      await expect.poll(() => received.some((e) => e.kind === 'audit' && e.action.includes('tokens.create')), { timeout: 10_000 }).toBe(true);
    } finally {
      process.emit('SIGTERM');
      expect(await running).toBe(0);
      receiver.close();
      if (previous === undefined) delete process.env['SEKISHO_ADMIN_TOKEN'];
      else process.env['SEKISHO_ADMIN_TOKEN'] = previous;
      if (previousSpool === undefined) delete process.env['SEKISHO_SPOOL_DIR'];
      else process.env['SEKISHO_SPOOL_DIR'] = previousSpool;
    }
  });

  it('token create stores only the hash and prints the token once', async () => {
    const database = `sqlite:${path.join(dir, 'tokens.db')}`;
    const run = await runCaptured(['server', 'token', 'create', '--database', database, '--name', 'first-admin', '--role', 'admin']);
    expect(run.code, run.stderr).toBe(0);
    const token = run.stdout.trim();
    expect(token).toMatch(/^skt_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/);
    const store = await openSqliteRepository({ path: path.join(dir, 'tokens.db') });
    try {
      const credential = await store.getTokenCredential(token.slice(4, 16));
      expect(credential).toMatchObject({ token: { name: 'first-admin', role: 'admin', createdBy: 'cli' }, hash: hashToken(token) });
    } finally {
      await store.close();
    }
    expect((await runCaptured(['server', 'token', 'create', '--database', database, '--name', 'x', '--role', 'root'])).code).toBe(2);
    const again = await runCaptured(['server', '--database', database, 'token', 'create', '--name', 'first-admin', '--role', 'viewer']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/a token named first-admin exists/);
    expect((await runCaptured(['server', 'token', 'create', '--database', 'mysql://x', '--name', 'x', '--role', 'viewer'])).code).toBe(2);
  });

  it('reads --trust-proxy as addresses or CIDRs only', () => {
    expect(trustedProxies('10.0.0.1, 10.1.0.0/16,::1')).toEqual(['10.0.0.1', '10.1.0.0/16', '::1']);
    expect(() => trustedProxies('true')).toThrow(/--trust-proxy/);
    expect(() => trustedProxies(',')).toThrow(/--trust-proxy/);
  });

  it('reads --listen as HOST:PORT, [IPv6]:PORT or PORT', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListen('8081')).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(() => parseListen('localhost:99999')).toThrow(/--listen/);
    expect(() => parseListen('nonsense')).toThrow(/--listen/);
  });
});
