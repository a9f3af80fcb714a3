/**
 * The deployment files (deploy/helm/sekisho, deploy/kubernetes, compose.yaml) parse and hold
 * together: every object has its required fields, selectors match their pods, probes and
 * Services name ports that exist, mounts name volumes that exist, every pod runs as non-root
 * with a read-only root filesystem, Secrets referenced are the ones rendered.
 *
 * Neither helm nor kubeconform is packaged for Debian here, so the chart's templates are rendered
 * by `renderTemplate` below: a renderer of exactly the template subset the chart uses (value
 * lookups, quote, default, toYaml|nindent, include of the chart's helpers, add, if/with/end).
 * Any other template syntax fails the test, so the chart cannot grow past what is checked here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';

const ROOT = repoRoot();
const CHART = join(ROOT, 'deploy', 'helm', 'sekisho');
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lookup(root: Obj, path: string): unknown {
  return path
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), root);
}

interface Scope {
  readonly Values: Obj;
  readonly Chart: Obj;
  readonly Release: Obj;
}

const RELEASE = { Name: 'rel', Service: 'Helm' };

function helpers(scope: Scope): Record<string, string> {
  const fullname = `${RELEASE.Name}-${String(scope.Chart['Name'])}`.slice(0, 63);
  const database = scope.Values['database'] as Obj;
  const image = scope.Values['image'] as Obj;
  return {
    'sekisho.fullname': fullname,
    'sekisho.labels': `app.kubernetes.io/name: ${String(scope.Chart['Name'])}\napp.kubernetes.io/instance: ${RELEASE.Name}\napp.kubernetes.io/version: "${String(scope.Chart['AppVersion'])}"\napp.kubernetes.io/managed-by: ${RELEASE.Service}`,
    'sekisho.image': `${String(image['repository'])}:${String(image['tag'] || scope.Chart['AppVersion'])}`,
    'sekisho.databaseSecret': database['existingSecret'] ? String(database['existingSecret']) : `${fullname}-database`,
  };
}

function value(expr: string, scope: Scope, dot: unknown): unknown {
  const e = expr.trim();
  if (e === '.') return dot;
  let m = /^\.(Values|Chart|Release)((?:\.[A-Za-z0-9_]+)*)$/.exec(e);
  if (m) return lookup(scope as unknown as Obj, `${m[1]}${m[2]}`);
  m = /^include "([A-Za-z.]+)" \.$/.exec(e);
  if (m) {
    const text = helpers(scope)[m[1]!];
    if (text === undefined) throw new Error(`unknown helper ${m[1]}`);
    return text;
  }
  m = /^add (\S+) (\d+)$/.exec(e);
  if (m) return Number(value(m[1]!, scope, dot)) + Number(m[2]);
  m = /^not (.+)$/.exec(e);
  if (m) return !value(m[1]!.replace(/^\(|\)$/g, ''), scope, dot);
  m = /^and \((.+?)\) (\S+)$/.exec(e);
  if (m) return Boolean(value(m[1]!, scope, dot)) && Boolean(value(m[2]!, scope, dot));
  throw new Error(`template expression not supported by this check: {{ ${e} }}`);
}

function pipeline(expr: string, scope: Scope, dot: unknown): string {
  const [head, ...fns] = expr.split('|').map((s) => s.trim());
  let m = /^toYaml (.+)$/.exec(head!);
  let v: unknown = m ? stringify(value(m[1]!, scope, dot)).trimEnd() : value(head!, scope, dot);
  for (const fn of fns) {
    if (fn === 'quote') v = JSON.stringify(String(v));
    else if ((m = /^nindent (\d+)$/.exec(fn)))
      v = `\n${String(v)
        .split('\n')
        .map((l) => ' '.repeat(Number(m![1])) + l)
        .join('\n')}`;
    else if ((m = /^default (\S+)$/.exec(fn))) v = v === '' || v === undefined || v === null ? value(m[1]!, scope, dot) : v;
    else throw new Error(`template function not supported by this check: ${fn}`);
  }
  return String(v);
}

/** Renders one template of the chart (see the file header for the subset). */
export function renderTemplate(text: string, scope: Scope): string {
  const out: string[] = [];
  const stack: { active: boolean; dot: unknown }[] = [{ active: true, dot: scope }];
  for (const line of text.split('\n')) {
    const block = /^\s*\{\{-?\s*(if|with|end)\s*(.*?)\s*-?\}\}\s*$/.exec(line);
    const top = stack[stack.length - 1]!;
    if (block) {
      if (block[1] === 'end') stack.pop();
      else {
        const v = top.active ? value(block[2]!, scope, top.dot) : undefined;
        const empty = v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
        stack.push({ active: top.active && !empty, dot: block[1] === 'with' ? v : top.dot });
      }
      continue;
    }
    if (!top.active) continue;
    // `{{- x }}` trims the whitespace (and newline) before it.
    const rendered = line.replace(/(\s*)\{\{(-?)\s*(.*?)\s*-?\}\}/g, (_all, space: string, trim: string, expr: string) => (trim === '-' ? '' : space) + pipeline(expr, scope, top.dot));
    if (rendered.includes('{{')) throw new Error(`unrendered template in: ${line}`);
    out.push(rendered);
  }
  return out.join('\n');
}

function renderChart(overrides: Obj = {}): Obj[] {
  const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Obj;
  const values = { ...(parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Obj), ...overrides };
  const scope: Scope = { Values: values, Chart: { Name: chart['name'], AppVersion: chart['appVersion'], Version: chart['version'] }, Release: RELEASE };
  const docs: Obj[] = [];
  // The admission webhook's templates use more of Helm's language than this subset renderer reads;
  // packages/admission's tests check them against `sekisho admission manifests`.
  for (const file of readdirSync(join(CHART, 'templates'))
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('admission-'))
    .sort()) {
    const text = renderTemplate(readFileSync(join(CHART, 'templates', file), 'utf8'), scope);
    for (const doc of parseAllDocuments(text)) {
      expect(doc.errors, `${file}: ${doc.errors.map((e) => e.message).join('; ')}`).toEqual([]);
      const js = doc.toJS() as unknown;
      if (js !== null) docs.push(js as Obj);
    }
  }
  return docs;
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

/** Checks that hold for any Kubernetes object set Sekisho ships; returns the objects by kind. */
function checkObjects(docs: readonly Obj[], where: string): Map<string, Obj[]> {
  const byKind = new Map<string, Obj[]>();
  for (const doc of docs) {
    expect(typeof doc['apiVersion'], where).toBe('string');
    expect(typeof doc['kind'], where).toBe('string');
    const meta = doc['metadata'] as Obj;
    expect(String(meta?.['name']), `${where}: metadata.name`).toMatch(NAME);
    byKind.set(String(doc['kind']), [...(byKind.get(String(doc['kind'])) ?? []), doc]);
  }
  const secrets = new Set((byKind.get('Secret') ?? []).map((s) => String((s['metadata'] as Obj)['name'])));
  const podLabels: Obj[] = [];
  const podPorts = new Set<string>();
  for (const deployment of byKind.get('Deployment') ?? []) {
    const name = `${where}: Deployment ${String((deployment['metadata'] as Obj)['name'])}`;
    expect(deployment['apiVersion'], name).toBe('apps/v1');
    const spec = deployment['spec'] as Obj;
    expect(Number.isInteger(spec['replicas']) && (spec['replicas'] as number) >= 1, `${name}: replicas`).toBe(true);
    const match = (spec['selector'] as Obj)['matchLabels'] as Obj;
    const template = spec['template'] as Obj;
    const labels = (template['metadata'] as Obj)['labels'] as Obj;
    expect(Object.keys(match).length, `${name}: selector`).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(match)) expect(labels[k], `${name}: selector ${k} matches the pod labels`).toBe(v);
    podLabels.push(labels);
    const pod = template['spec'] as Obj;
    expect((pod['securityContext'] as Obj)['runAsNonRoot'], `${name}: runAsNonRoot`).toBe(true);
    const volumes = new Set(((pod['volumes'] as Obj[] | undefined) ?? []).map((v) => String(v['name'])));
    const containers = pod['containers'] as Obj[];
    expect(containers.length, name).toBeGreaterThan(0);
    for (const c of containers) {
      const cn = `${name}: container ${String(c['name'])}`;
      expect(String(c['name'])).toMatch(PORT_NAME);
      expect(String(c['image']), cn).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      const sc = c['securityContext'] as Obj;
      expect(sc['readOnlyRootFilesystem'], `${cn}: read-only root`).toBe(true);
      expect(sc['allowPrivilegeEscalation'], `${cn}: no privilege escalation`).toBe(false);
      expect((c['resources'] as Obj)['requests'], `${cn}: resource requests`).toBeDefined();
      const ports = new Set(((c['ports'] as Obj[] | undefined) ?? []).map((p) => String(p['name'])));
      for (const p of ports) {
        expect(p).toMatch(PORT_NAME);
        podPorts.add(p);
      }
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const port = ((c[probe] as Obj | undefined)?.['httpGet'] as Obj | undefined)?.['port'];
        if (port !== undefined) expect(ports.has(String(port)), `${cn}: ${probe} port ${String(port)}`).toBe(true);
      }
      for (const m of (c['volumeMounts'] as Obj[] | undefined) ?? []) expect(volumes.has(String(m['name'])), `${cn}: volume ${String(m['name'])}`).toBe(true);
      for (const e of (c['env'] as Obj[] | undefined) ?? []) {
        const ref = ((e['valueFrom'] as Obj | undefined)?.['secretKeyRef'] as Obj | undefined)?.['name'];
        if (ref !== undefined && secrets.size > 0) expect(secrets.has(String(ref)), `${cn}: Secret ${String(ref)}`).toBe(true);
      }
    }
  }
  for (const service of byKind.get('Service') ?? []) {
    const spec = service['spec'] as Obj;
    const selector = spec['selector'] as Obj;
    expect(
      podLabels.some((l) => Object.entries(selector).every(([k, v]) => l[k] === v)),
      `${where}: the Service selects a pod`,
    ).toBe(true);
    for (const p of spec['ports'] as Obj[]) {
      expect(Number.isInteger(p['port']), `${where}: Service port`).toBe(true);
      if (typeof p['targetPort'] === 'string') expect(podPorts.has(p['targetPort']), `${where}: Service targetPort ${p['targetPort']}`).toBe(true);
    }
  }
  return byKind;
}

describe('deployment files', () => {
  it('the Helm chart renders to a server Deployment, a worker Deployment and a Service, with the database Secret when a URL is given', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Obj;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'sekisho', type: 'application' });
    expect(String(chart['version'])).toMatch(/^\d+\.\d+\.\d+$/);

    const plain = checkObjects(renderChart(), 'chart defaults');
    expect((plain.get('Deployment') ?? []).map((d) => (d['metadata'] as Obj)['name'])).toEqual(['rel-sekisho-server', 'rel-sekisho-worker']);
    expect(plain.get('Secret')).toBeUndefined();

    const withUrl = checkObjects(renderChart({ database: { url: 'postgres://u:p@db/sekisho', existingSecret: '', existingSecretKey: 'url' } }), 'chart with a URL');
    expect((withUrl.get('Secret') ?? []).map((s) => s['stringData'])).toEqual([{ url: 'postgres://u:p@db/sekisho' }]);
    const worker = (withUrl.get('Deployment') ?? [])[1]!;
    const pod = (worker['spec'] as Obj)['template'] as Obj;
    expect((pod['spec'] as Obj)['terminationGracePeriodSeconds'] as number).toBe(60);
    const containers = (pod['spec'] as Obj)['containers'] as Obj[];
    expect(containers.map((c) => c['name'])).toEqual(['worker', 'db-update']);
    expect(containers[0]!['args']).toEqual(['worker', '--concurrency', '2', '--per-registry', '4', '--grace', '30']);

    const existing = checkObjects(renderChart({ database: { url: '', existingSecret: 'mine', existingSecretKey: 'dsn' }, dbUpdate: { enabled: false } }), 'chart with an existing Secret');
    const env = ((((existing.get('Deployment') ?? [])[1]!['spec'] as Obj)['template'] as Obj)['spec'] as Obj)['containers'] as Obj[];
    expect(env).toHaveLength(1);
    expect((env[0]!['env'] as Obj[])[0]).toEqual({ name: 'SEKISHO_DATABASE', valueFrom: { secretKeyRef: { name: 'mine', key: 'dsn' } } });
  });

  it('the renderer of this check refuses template syntax it does not know', () => {
    const scope: Scope = { Values: {}, Chart: {}, Release: RELEASE };
    expect(() => renderTemplate('a: {{ .Values.x | upper }}', scope)).toThrow(/not supported/);
    expect(() => renderTemplate('{{ range .Values.x }}', scope)).toThrow(/not supported/);
  });

  it('the plain manifests hold together and the kustomization lists files that exist', () => {
    const dir = join(ROOT, 'deploy', 'kubernetes');
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
    const resources = kustomization['resources'] as string[];
    const docs = resources.flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as Obj));
    const example = parse(readFileSync(join(dir, 'database-secret.example.yaml'), 'utf8')) as Obj;
    const byKind = checkObjects([...docs, example], 'deploy/kubernetes');
    expect([...byKind.keys()].sort()).toEqual(['Deployment', 'Secret', 'Service']);
  });

  it('compose.yaml runs PostgreSQL, the server and workers that share its URL', () => {
    const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as Obj;
    const services = compose['services'] as Record<string, Obj>;
    expect(Object.keys(services).sort()).toEqual(['db-update', 'postgres', 'server', 'worker']);
    const volumes = new Set(Object.keys(compose['volumes'] as Obj));
    for (const [name, service] of Object.entries(services)) {
      expect(typeof service['image'], name).toBe('string');
      for (const dep of Object.keys((service['depends_on'] as Obj | undefined) ?? {})) expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
      for (const v of (service['volumes'] as string[] | undefined) ?? []) expect(volumes.has(v.split(':')[0]!), `${name}: volume ${v}`).toBe(true);
    }
    for (const name of ['server', 'worker'])
      expect(String((services[name]!['environment'] as Obj)['SEKISHO_DATABASE'])).toMatch(/^postgres:\/\/sekisho:\$\{SEKISHO_POSTGRES_PASSWORD\}@postgres:5432\/sekisho$/);
    expect(services['worker']!['command']).toContain('worker');
  });
});
