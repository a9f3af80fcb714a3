/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core), served by the
 * server on loopback with a SQLite store seeded by real scans of the fixture images, matched
 * against the bundled advisory snapshot, plus a fleet of synthetic images to measure the overview
 * at scale. Each view is walked, filters and an exception approval are clicked through, roles are
 * checked, and screenshots land in packages/server/.screenshots/ (ignored by git) for review.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditConfig, buildAdvisoryDb, evaluatePolicy, openAdvisoryStore, parsePolicy, scanImage } from '@sekisho/core';
import type { AdvisoryStore } from '@sekisho/core';
import type { Report } from '@sekisho/model';
import { createEvent } from '@sekisho/model';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../src/api/app.js';
import { issueToken } from '../src/api/auth.js';
import { NoJobQueue } from '../src/api/no-queue.js';
import { matchReport } from '../src/jobs/match.js';
import { openSqliteRepository } from '../src/repository/open.js';
import type { Repository } from '../src/repository/types.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const UI = join(ROOT, 'packages', 'dashboard', 'dist');
const CHROMIUM = '/usr/bin/chromium';
const FIXTURES = process.env['SEKISHO_FIXTURES_DIR'] ?? '';
const REQUIRE = process.env['SEKISHO_REQUIRE_FIXTURES'] === '1';
const FLEET = Number(process.env['SEKISHO_DASHBOARD_FLEET'] ?? 10_000);
const SHOTS = join(ROOT, 'packages', 'server', '.screenshots');
const ready = existsSync(CHROMIUM) && existsSync(join(UI, 'index.html')) && existsSync(join(FIXTURES, 'compare-before', 'oci'));
const DAY = 86_400_000;

const POLICY = parsePolicy(
  [
    'apiVersion: sekisho.dev/v1',
    'kind: Policy',
    'metadata: { name: shop }',
    'rules:',
    '  no-critical: { kind: vulnerabilities, severity: critical, action: fail }',
    '  secrets: { kind: secrets, action: fail }',
    'environments:',
    '  dev: { rules: { no-critical: { action: warn } } }',
    '  prod: { rules: { no-high: { kind: vulnerabilities, severity: high, action: fail } } }',
    'defaultEnvironment: dev',
  ].join('\n'),
  'sekisho.yaml',
);

/** A real scan of a fixture layout, matched with the bundled advisories, under a registry name. */
async function realScan(image: string, reference: string, store: AdvisoryStore, dbPath: string): Promise<Report> {
  const { report } = await scanImage(image, { cacheDir: null });
  const matched = matchReport(report, store, dbPath);
  return { ...matched, target: { ...matched.target, reference, sourceType: 'registry', repoTags: [] } };
}

describe.skipIf(!ready && !REQUIRE)('the dashboard in a real browser', () => {
  let dir = '';
  let repo: Repository;
  let app: FastifyInstance;
  let base = '';
  let browser: Browser;
  const tokens: Record<'admin' | 'viewer' | 'scanner', string> = { admin: '', viewer: '', scanner: '' };
  const now = new Date();

  beforeAll(async () => {
    if (!ready) throw new Error(`needs ${CHROMIUM} (apt install chromium), the built dashboard (npm run build) and the fixture images in SEKISHO_FIXTURES_DIR`);
    dir = await mkdtemp(join(tmpdir(), 'sekisho-dashboard-'));
    await mkdir(SHOTS, { recursive: true });
    const dbPath = join(dir, 'advisories.sqlite');
    await buildAdvisoryDb({ out: dbPath, from: [join(ROOT, 'examples', 'advisories')] });
    const store = openAdvisoryStore(dbPath);
    repo = await openSqliteRepository({ path: join(dir, 'sekisho.db') });
    // Real scans: a repository with two versions ten and three days ago, and the other fixtures.
    const fixture = (name: string) => `oci:${join(FIXTURES, name, 'oci')}:latest`;
    const history: [string, string, number, string][] = [
      [fixture('compare-before'), 'registry.example/shop/web:1.0', 10, 'prod'],
      [fixture('compare-after'), 'registry.example/shop/web:1.1', 3, 'prod'],
      [fixture('debian-app'), 'registry.example/shop/api:2.4', 2, 'prod'],
      [`oci-archive:${join(ROOT, 'examples', 'hello-app.oci.tar')}`, 'registry.example/shop/hello:1.0', 2, 'prod'],
      [fixture('debian-python'), 'registry.example/data/etl:0.9', 1, 'dev'],
      [fixture('distroless'), 'registry.example/shop/static:3', 1, 'dev'],
    ];
    for (const [image, reference, daysAgo, env] of history) {
      const at = new Date(now.getTime() - daysAgo * DAY);
      const report = await realScan(image, reference, store, dbPath);
      const { scan } = await repo.recordScan(report, 'example-snapshot', { scannedAt: at });
      await repo.recordDecision(scan.digest, evaluatePolicy(report, POLICY, env, { now: at }), scan.id, at);
    }
    store.close();
    // The rest of the fleet: synthetic images, so the overview is measured with FLEET images stored.
    const started = performance.now();
    for (let i = 0; i < FLEET - history.length; i++) {
      const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
      const report: Report = {
        schema: 'sekisho.report/v1',
        tool: { name: 'sekisho', version: 'test' },
        target: { reference: `registry.example/fleet/svc-${i % 400}:${i}`, sourceType: 'registry', manifestDigest: digest, configDigest: null, platform: null, repoTags: [] },
        image: { layers: [], config: { user: null, env: [], entrypoint: [], cmd: [], workingDir: null, exposedPorts: [], labels: {}, healthcheck: null, created: null }, size: 1 },
        distro: null,
        packages: [],
        relationships: [],
        findings: [],
        unknowns: [],
        notChecked: [],
        scanners: ['vuln', 'secret'],
      };
      await repo.recordScan(report, 'example-snapshot', { scannedAt: new Date(now.getTime() - (20 + (i % 30)) * DAY) });
    }
    console.log(`seeded ${FLEET} images in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    tokens.admin = (await issueToken(repo, { name: 'alice', role: 'admin', createdBy: 'test' })).token;
    tokens.viewer = (await issueToken(repo, { name: 'victor', role: 'viewer', createdBy: 'test' })).token;
    tokens.scanner = (await issueToken(repo, { name: 'ci', role: 'scanner', createdBy: 'test' })).token;
    app = await buildApiServer({ repository: repo, queue: new NoJobQueue(), uiDir: UI, dbBuiltAt: () => new Date(now.getTime() - 2 * DAY) });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await repo?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  /** A page that fails the test on any console error, page error, or request to another origin. */
  async function open(scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) problems.push(`request outside the server: ${r.url()}`);
    });
    return { page, problems };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${base}/ui/`);
    await page.getByTestId('token').fill(token);
    await page.getByTestId('login').click();
  }

  it('overview: fleet cards equal what the API says, health by environment, filters, server-side pages; time to interactive with the fleet stored', async () => {
    const { page, problems } = await open();
    const t0 = Date.now();
    await signIn(page, tokens.admin);
    await page.getByTestId('images').waitFor();
    const tti = Date.now() - t0;
    console.log(`overview interactive ${tti} ms after sign-in with ${FLEET} images stored`);
    const api = (await (await fetch(`${base}/api/v1/overview`, { headers: { authorization: `Bearer ${tokens.admin}` } })).json()) as {
      images: number;
      bySeverity: Record<string, number>;
      byPriority: Record<string, number>;
      kev: number;
    };
    expect(api.images).toBe(FLEET);
    await expect.poll(() => page.getByTestId('card-images').innerText()).toContain(String(FLEET));
    expect(await page.getByTestId('card-critical').innerText()).toContain(String(api.bySeverity['critical']));
    expect(await page.getByTestId('card-priority').innerText()).toContain(`${api.byPriority['p1']} · ${api.byPriority['p2']} · ${api.byPriority['p3']} · ${api.byPriority['p4']}`);
    expect(await page.getByTestId('environments').innerText()).toMatch(/prod[\s\S]*dev|dev[\s\S]*prod/);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
    // filter by environment: only the four prod images
    await page.getByTestId('filter-environment').selectOption('prod');
    await expect.poll(async () => await page.getByTestId('images').locator('tbody tr').count()).toBe(4);
    await expect.poll(() => page.getByTestId('card-images').innerText()).toMatch(/^4\b/);
    // by repository, and the next page of the whole fleet
    await page.getByTestId('filter-environment').selectOption('');
    await page.getByTestId('filter-repository').fill('registry.example/shop/web');
    await expect.poll(async () => await page.getByTestId('images').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('filter-repository').fill('');
    await expect.poll(async () => await page.getByTestId('images').locator('tbody tr').count()).toBe(25);
    await page.getByTestId('next-page').click();
    await expect.poll(async () => await page.getByTestId('images').locator('tbody tr').first().innerText()).toContain('fleet');
    expect(problems).toEqual([]);
  }, 120_000);

  it('image: vulnerabilities by package with fixes and why, searchable packages, layers with build steps, policy rule by rule', async () => {
    const { page, problems } = await open();
    await signIn(page, tokens.admin);
    await page.getByTestId('filter-repository').fill('registry.example/shop/hello');
    await page
      .getByRole('link', { name: /shop\/hello/ })
      .first()
      .click();
    await page.getByTestId('tab-packages').waitFor();
    // scanned without a trust policy: the view says the signatures were not checked, never that they hold
    expect(await page.getByTestId('supply-chain').innerText()).toMatch(/not checked/);
    await page.getByTestId('tab-vulnerabilities').click();
    // grouped by package, with the advisory ids and fixed versions of the bundled snapshot
    await expect.poll(async () => page.getByTestId('vulnerabilities').innerText()).toMatch(/lodash 4\.17\.15[\s\S]*fix: 4\.17\.19/);
    await page.getByTestId('vulnerabilities').locator('summary').first().click();
    await expect.poll(async () => page.getByTestId('vulnerabilities').innerText()).toMatch(/NSWG-ECO-516[\s\S]*4\.17\.19/);
    await page.screenshot({ path: join(SHOTS, 'image-vulnerabilities.png'), fullPage: true });
    await page.getByTestId('tab-packages').click();
    expect(await page.getByTestId('packages').locator('tbody tr').count()).toBeGreaterThan(5);
    await page.getByTestId('package-search').fill('loda');
    await expect.poll(async () => page.getByTestId('packages').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('packages').innerText()).toMatch(/lodash/);
    await page.getByTestId('tab-layers').click();
    expect(await page.getByTestId('layers').innerText()).toMatch(/\d/);
    await page.screenshot({ path: join(SHOTS, 'image-layers.png'), fullPage: true });
    await page.getByTestId('tab-policy').click();
    await page.screenshot({ path: join(SHOTS, 'image-policy.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('trends, compare and the audit log', async () => {
    const { page, problems } = await open('dark');
    await signIn(page, tokens.admin);
    await page.getByRole('link', { name: 'Trends' }).click();
    await page.getByTestId('trend-repository').selectOption('registry.example/shop/web');
    await page.locator('.chart canvas').first().waitFor();
    await expect.poll(async () => page.getByTestId('mttf').innerText()).toMatch(/Mean time to fix over the window: (\d+\.\d days|nothing fixed)/);
    // both versions of shop/web were matched with the bundled snapshot: one database version, two new-image scans
    await expect.poll(async () => page.getByTestId('advisory-updates').innerText()).toMatch(/example-snapshot\s+\S+\s+2\s+0 \/ \d+/);
    await page.screenshot({ path: join(SHOTS, 'trends-dark.png'), fullPage: true });
    // a whole environment: the prod images' repositories summed
    await page.getByTestId('trend-environment').selectOption('prod');
    await expect.poll(async () => page.locator('.chart').first().getAttribute('aria-label')).toBe('Open findings by severity: environment prod');
    await page.getByRole('link', { name: 'Compare' }).click();
    await expect.poll(async () => (await page.getByTestId('compare-before').locator('option').allInnerTexts()).some((o) => o.includes('shop/web'))).toBe(true);
    const options = await page.getByTestId('compare-before').locator('option').allInnerTexts();
    const before = options.find((o) => o.includes('shop/web'));
    expect(before).toBeDefined();
    await page.getByTestId('compare-before').selectOption({ index: options.findIndex((o) => o.includes('shop/web')) });
    await page.getByTestId('compare-after').selectOption({ index: options.findLastIndex((o) => o.includes('shop/web')) });
    await page.getByTestId('compare-run').click();
    await expect.poll(async () => page.getByTestId('comparison').innerText()).toMatch(/changed/);
    await page.screenshot({ path: join(SHOTS, 'compare-dark.png'), fullPage: true });
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect.poll(async () => page.getByTestId('timeline').innerText()).toMatch(/overview\.get/);
    expect(problems).toEqual([]);
  }, 120_000);

  it('exceptions: a scanner proposes, a viewer cannot approve, an approver approves; who and when are shown', async () => {
    const scanner = await open();
    await signIn(scanner.page, tokens.scanner);
    await scanner.page.getByRole('link', { name: 'Exceptions' }).click();
    const form = scanner.page.getByTestId('propose-form');
    await form.locator('input[name=id]').fill('NSWG-ECO-516');
    await form.locator('input[name=owner]').fill('web-team@example.com');
    await form.locator('input[name=reason]').fill('not reachable from user input');
    await form.locator('input[name=expires]').fill(new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10));
    await form.getByRole('button', { name: 'Propose' }).click();
    await expect.poll(async () => scanner.page.getByTestId('exception-message').innerText()).toContain('proposed');
    expect(await scanner.page.locator('[data-testid^=approve-]').count()).toBe(0);

    const viewer = await open();
    await signIn(viewer.page, tokens.viewer);
    await viewer.page.getByRole('link', { name: 'Exceptions' }).click();
    await expect.poll(async () => viewer.page.getByTestId('exceptions').innerText()).toContain('NSWG-ECO-516');
    expect(await viewer.page.locator('[data-testid^=approve-]').count()).toBe(0);
    expect(await viewer.page.getByTestId('propose-form').count()).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'Audit' }).count()).toBe(0);

    const admin = await open();
    await signIn(admin.page, tokens.admin);
    await admin.page.getByRole('link', { name: 'Exceptions' }).click();
    await admin.page.locator('[data-testid^=approve-]').first().click();
    await expect.poll(async () => admin.page.getByTestId('exceptions').innerText()).toMatch(/approved by alice/);
    await admin.page.screenshot({ path: join(SHOTS, 'exceptions.png'), fullPage: true });
    expect([...scanner.problems, ...viewer.problems, ...admin.problems]).toEqual([]);
  }, 120_000);

  it('incidents: a runtime alert sent to the API opens one; an approver acknowledges and resolves it; the timeline says who', async () => {
    const alert = createEvent({
      kind: 'runtime',
      severity: 'critical',
      source: { component: 'runtime', instance: 'node-1' },
      subject: { type: 'workload', id: 'shop/web', namespace: 'shop', name: 'web' },
      action: 'Terminal shell in container',
      result: 'detected',
      reasons: ['a shell was spawned in a container with an attached terminal'],
    });
    const sent = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${tokens.scanner}`, 'content-type': 'application/json' }, body: JSON.stringify(alert) });
    expect(sent.status).toBeLessThan(300);
    const { page, problems } = await open();
    await signIn(page, tokens.admin);
    await page.getByRole('link', { name: 'Incidents' }).click();
    await page
      .getByRole('button', { name: /Terminal shell|shop\/web/ })
      .first()
      .click();
    await page.getByTestId('incident-acknowledge').click();
    await expect.poll(async () => page.getByTestId('incident-message').innerText()).toContain('acknowledged');
    await page.getByTestId('incident-resolve').click();
    await expect.poll(async () => page.getByTestId('incident-timeline').innerText()).toMatch(/acknowledged → resolved[\s\S]*alice|alice[\s\S]*acknowledged → resolved/);
    await page.screenshot({ path: join(SHOTS, 'incidents.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it('workloads: a real configuration audit sent to the API, worst first, layers and the open breakout paths with their fix', async () => {
    const manifests = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: builder, namespace: ci }',
      'spec:',
      '  template:',
      '    spec:',
      '      hostPID: true',
      '      volumes: [{ name: sock, hostPath: { path: /var/run/docker.sock } }]',
      '      containers:',
      '        - name: docker',
      '          image: registry.example/ci/builder:5',
      '          securityContext: { privileged: true }',
      '          volumeMounts: [{ name: sock, mountPath: /var/run/docker.sock }]',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: web, namespace: shop }',
      'spec:',
      '  template:',
      '    spec:',
      '      automountServiceAccountToken: false',
      '      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }',
      '      containers:',
      '        - name: app',
      '          image: registry.example/shop/web:1.1',
      '          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }',
      '          resources: { limits: { cpu: 500m, memory: 256Mi } }',
      '',
    ].join('\n');
    const audited = auditConfig([{ path: 'deploy/prod.yaml', content: new TextEncoder().encode(manifests) }], { pssVersion: 'v1.30' });
    const document = { schema: 'sekisho.config-audit/v1', tool: { name: 'sekisho', version: 'test' }, status: 'complete', statusReasons: [], ...audited };
    const sent = await fetch(`${base}/api/v1/config-audits?cluster=prod-eu&environment=prod`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.scanner}`, 'content-type': 'application/json' },
      body: JSON.stringify(document),
    });
    expect(sent.status).toBe(201);
    const { page, problems } = await open();
    await signIn(page, tokens.viewer);
    await page.getByRole('link', { name: 'Workloads' }).click();
    await expect.poll(async () => page.getByTestId('workloads').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('card-workloads').innerText()).toMatch(/^2\b/);
    expect(await page.getByTestId('card-open-paths').innerText()).toMatch(/^1\b/);
    // worst first: the privileged builder with the Docker socket, then the hardened web app
    const rows = await page.getByTestId('workloads').locator('tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(/ci\/Deployment\/builder[\s\S]*open/);
    expect(rows[1]).toMatch(/shop\/Deployment\/web/);
    await page.getByTestId('workload-builder').click();
    await expect.poll(async () => page.getByTestId('workload-paths-list').innerText()).toMatch(/OPEN[\s\S]*fix:/);
    expect(await page.getByTestId('workload-layers').innerText()).toMatch(/host namespaces\s+□ missing/);
    await page.screenshot({ path: join(SHOTS, 'workloads.png'), fullPage: true });
    await page.getByTestId('workload-namespace').selectOption('shop');
    await expect.poll(async () => page.getByTestId('workloads').locator('tbody tr').count()).toBe(1);
    await page.getByTestId('workload-namespace').selectOption('');
    await page.getByTestId('workload-paths').selectOption('open');
    await expect.poll(async () => page.getByTestId('workloads').locator('tbody tr').count()).toBe(1);
    // the overview's namespace filter: the images the shop namespace's workloads run (both versions of shop/web)
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('filter-namespace').selectOption('shop');
    await expect.poll(async () => page.getByTestId('card-images').innerText()).toMatch(/^2\b/);
    expect(await page.getByTestId('images').innerText()).toMatch(/shop\/web[\s\S]*shop\/web/);
    await page.getByTestId('filter-namespace').selectOption('');
    await page.getByTestId('filter-registry').fill('ghcr.io');
    await expect.poll(async () => page.getByTestId('card-images').innerText()).toMatch(/^0\b/);
    expect(problems).toEqual([]);
  }, 60_000);

  it('runtime: events sent by the components form a timeline with a plot per hour; filters by kind, severity and namespace', async () => {
    const hour = 3_600_000;
    const events = [
      createEvent({
        kind: 'runtime',
        severity: 'critical',
        source: { component: 'runtime', instance: 'node-2' },
        subject: { type: 'workload', id: 'ci/builder', namespace: 'ci', name: 'builder' },
        action: 'Launch privileged container',
        result: 'detected',
        reasons: ['a privileged container was started'],
        time: new Date(now.getTime() - 5 * hour).toISOString(),
      }),
      createEvent({
        kind: 'admission',
        severity: 'high',
        source: { component: 'admission', instance: 'webhook-0' },
        subject: { type: 'workload', id: 'shop/Deployment/web', namespace: 'shop', name: 'web' },
        action: 'admission.validate',
        result: 'denied',
        reasons: ['image registry.example/shop/web:1.0 fails policy shop in prod: 1 critical vulnerability'],
        time: new Date(now.getTime() - 3 * hour).toISOString(),
      }),
      createEvent({
        kind: 'rasp',
        severity: 'medium',
        source: { component: 'rasp', instance: 'web-7f9' },
        subject: { type: 'workload', id: 'shop/web', namespace: 'shop', name: 'web' },
        action: 'path traversal',
        result: 'blocked',
        reasons: ['../../etc/passwd in a file read'],
        time: new Date(now.getTime() - 2 * hour).toISOString(),
      }),
    ];
    const sent = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${tokens.scanner}`, 'content-type': 'application/json' }, body: JSON.stringify(events) });
    expect(sent.status).toBe(200);
    const { page, problems } = await open('dark');
    await signIn(page, tokens.viewer);
    await page.getByRole('link', { name: 'Runtime' }).click();
    await page.locator('.chart canvas').first().waitFor();
    // the incident test's terminal-shell alert is there too
    await expect.poll(async () => page.getByTestId('event-timeline').locator('li').count()).toBe(4);
    const timeline = await page.getByTestId('event-timeline').innerText();
    expect(timeline.indexOf('path traversal')).toBeLessThan(timeline.indexOf('admission.validate'));
    expect(timeline.indexOf('admission.validate')).toBeLessThan(timeline.indexOf('Launch privileged container'));
    expect(await page.getByTestId('event-total').innerText()).toMatch(/^4 event/);
    await page.screenshot({ path: join(SHOTS, 'runtime-dark.png'), fullPage: true });
    await page.getByTestId('event-kind').selectOption('admission');
    await expect.poll(async () => page.getByTestId('event-timeline').innerText()).toMatch(/^[^\n]*admission\.validate[^\n]*denied/);
    expect(await page.getByTestId('event-timeline').locator('li').count()).toBe(1);
    await page.getByTestId('event-kind').selectOption('runtime,admission,rasp');
    await page.getByTestId('event-severity').selectOption('critical');
    await expect.poll(async () => page.getByTestId('event-timeline').locator('li').count()).toBe(2);
    await page.getByTestId('event-severity').selectOption('');
    await page.getByTestId('event-namespace').fill('shop');
    await expect.poll(async () => page.getByTestId('event-timeline').locator('li').count()).toBe(3);
    expect(problems).toEqual([]);
  }, 60_000);

  it('a wrong token is refused at sign-in, and the page is keyboard-navigable', async () => {
    const { page, problems } = await open();
    await page.goto(`${base}/ui/`);
    await page.getByTestId('token').fill('skt_000000000000.not-a-real-token-at-all-xxxxxxxxxxxxxxxxxxxxx');
    await page.keyboard.press('Enter');
    await expect.poll(async () => page.getByRole('alert').innerText()).toContain('not valid');
    await page.getByTestId('token').fill(tokens.viewer);
    await page.keyboard.press('Enter');
    await page.getByTestId('images').waitFor();
    // Tab reaches the navigation links in order
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toBe('Overview');
    expect(problems).toEqual([]);
  }, 60_000);
});
