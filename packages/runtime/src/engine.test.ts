import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition.js';
import { PRIORITY_SEVERITY } from './loader.js';
import { AuditInputError, loadRules, NOT_AN_AUDIT_EVENT, parseAuditLog, type RuleSet } from './engine.js';
import { replay } from './detector.js';

const pod = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  stage: 'ResponseComplete',
  verb: 'create',
  requestURI: '/api/v1/namespaces/default/pods?dryRun=All',
  stageTimestamp: '2024-05-01T10:00:00.123456Z',
  user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
  objectRef: { resource: 'pods', namespace: 'default', name: 'web' },
  annotations: { 'authorization.k8s.io/decision': 'allow' },
  responseStatus: { code: 201 },
  requestObject: {
    spec: {
      containers: [
        { image: 'docker.io/library/nginx:1.25', securityContext: { privileged: false } },
        { image: 'registry.local:5000/tools/busybox@sha256:abcd', securityContext: { privileged: true } },
      ],
      volumes: [{ name: 'root', hostPath: { path: '/etc/kubernetes' } }],
    },
  },
};

function load(yaml: string): RuleSet {
  return loadRules([{ name: 'test.yaml', content: yaml }]);
}

function fire(condition: string, event: unknown = pod, extra = ''): boolean {
  const rs = load(`${extra}\n- rule: r\n  desc: d\n  condition: ${JSON.stringify(condition)}\n  output: o\n  priority: WARNING\n  source: k8s_audit\n`);
  const errors = rs.issues.filter((i) => i.level === 'error' || i.code === 'UNSUPPORTED_FIELD');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return replay([event], rs).alerts.length === 1;
}

describe('condition language', () => {
  it('parses precedence: or < and < not', () => {
    const e = parseCondition('a or b and not c');
    expect(e.kind).toBe('or');
    if (e.kind === 'or') expect(e.items[1]?.kind).toBe('and');
  });

  it.each([
    ['ka.verb=create', true],
    ['ka.verb == create', true],
    ['ka.verb != create', false],
    ['ka.target.resource in (pods, deployments)', true],
    ['ka.user.name startswith ali and ka.user.name endswith ce', true],
    ['ka.uri contains dryRun', true],
    ['ka.uri icontains DRYRUN', true],
    ['ka.uri bcontains 64727952756e', true],
    ['ka.uri bstartswith 2f617069', true],
    ['ka.uri glob "/api/v1/*/default/*"', true],
    ['ka.req.pod.volumes.hostpath pmatch (/etc, /proc)', true],
    ['ka.req.pod.volumes.hostpath pmatch (/et)', false],
    ['ka.user.groups intersects (dev, ops)', true],
    ['ka.user.groups in (dev, ops)', false],
    ['ka.user.groups in (dev, system:authenticated, ops)', true],
    ['ka.req.pod.containers.image[0] = docker.io/library/nginx:1.25', true],
    ['ka.req.pod.containers.image.repository[1] = registry.local:5000/tools/busybox', true],
    ['ka.req.pod.containers.privileged intersects (true)', true],
    ['ka.req.pod.containers.privileged[0] = true', false],
    ['jevt.value[/annotations/authorization.k8s.io~1decision] = allow', true],
    ['jevt.value[/objectRef/resource] = val(ka.target.resource)', true],
    ['ka.uri.param[dryRun] = All', true],
    ['toupper(ka.verb) = CREATE', true],
    ['tolower(toupper(ka.verb)) = create', true],
    ['basename(ka.uri) startswith pods', true],
    ['ka.target.subresource exists', false],
    ['not ka.target.subresource exists', true],
    ['ka.target.subresource = exec', false],
    ['ka.target.subresource != exec', false],
    ['(ka.verb=delete or ka.verb=create) and not (ka.user.name=bob)', true],
    ['jevt.rawtime > 0', true],
    ['ka.response.code startswith 2', true],
    ['ka.req.volume.hostpath[/etc*] = true', true],
    ["ka.user.name = 'al\\x69ce'", true],
  ])('%s → %s', (condition, expected) => {
    expect(fire(condition)).toBe(expected);
  });

  it('expands lists (nested) and macros at load', () => {
    const defs = `
- list: a
  items: [create]
- list: verbs
  items: [a, update]
- macro: is_write
  condition: ka.verb in (verbs)
`;
    expect(fire('is_write and ka.target.resource=pods', pod, defs)).toBe(true);
  });

  it('reports syntax errors with the rule, the file and the position', () => {
    const rs = load('- rule: bad\n  desc: d\n  condition: ka.verb = \n  output: o\n  priority: INFO\n  source: k8s_audit\n');
    const e = rs.issues.find((i) => i.level === 'error');
    expect(e).toMatchObject({ code: 'SYNTAX', item: { kind: 'rule', name: 'bad' }, where: { file: 'test.yaml', line: 3, column: 14 } });
    expect(e?.message).toMatch(/at condition offset 9/);
    expect(rs.ok).toBe(false);
  });

  it('rejects macro cycles', () => {
    const rs = load('- macro: a\n  condition: b\n- macro: b\n  condition: a or ka.verb=get\n');
    expect(rs.issues.filter((i) => i.code === 'MACRO_CYCLE').length).toBeGreaterThan(0);
    expect(rs.ok).toBe(false);
  });

  it('reports and skips a rule with an unsupported field, never silently', () => {
    const rs = load('- rule: r\n  desc: d\n  condition: ka.verb=get and ka.nothing.here=1\n  output: o\n  priority: INFO\n  source: k8s_audit\n');
    expect(rs.issues).toContainEqual(expect.objectContaining({ level: 'warning', code: 'UNSUPPORTED_FIELD', item: { kind: 'rule', name: 'r' } }));
    expect(rs.rules).toHaveLength(0);
  });

  it('reports rules of a source the engine does not evaluate', () => {
    const rs = load('- rule: r\n  desc: d\n  condition: proc.name=bash\n  output: o\n  priority: INFO\n');
    expect(rs.issues).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_SOURCE' }));
  });
});

describe('loader', () => {
  const base = `
- required_engine_version: 15
- list: users
  items: [alice]
- macro: m
  condition: ka.verb=create
- rule: R
  desc: base
  condition: m and ka.user.name in (users)
  output: "user=%ka.user.name verb=%ka.verb images=%ka.req.pod.containers.image missing=%ka.target.subresource"
  priority: NOTICE
  source: k8s_audit
  tags: [k8s]
`;

  it('later files override and append in load order', () => {
    const rs = loadRules([
      { name: 'base.yaml', content: base },
      {
        name: 'local.yaml',
        content:
          '- list: users\n  items: [bob]\n  override:\n    items: replace\n- macro: m\n  condition: or ka.verb=get\n  append: true\n- rule: R\n  priority: ERROR\n  override:\n    priority: replace\n',
      },
    ]);
    expect(rs.ok).toBe(true);
    expect(rs.rules[0]?.priority).toBe('Error');
    expect(PRIORITY_SEVERITY[rs.rules[0]?.priority ?? 'Debug']).toBe('high');
    expect(replay([pod], rs).alerts).toHaveLength(0);
    expect(replay([{ ...pod, user: { username: 'bob' } }], rs).alerts).toHaveLength(1);
    expect(rs.issues).toContainEqual(expect.objectContaining({ code: 'DEPRECATED', item: { kind: 'macro', name: 'm' } }));
  });

  it('disables rules with enabled: false (override and legacy)', () => {
    const rs = loadRules([
      { name: 'a', content: base },
      { name: 'b', content: '- rule: R\n  enabled: false\n' },
    ]);
    expect(replay([pod], rs).alerts).toHaveLength(0);
    const rs2 = loadRules([
      { name: 'a', content: base },
      { name: 'b', content: '- rule: R\n  enabled: false\n  override:\n    enabled: replace\n' },
    ]);
    expect(rs2.issues.filter((i) => i.code === 'DEPRECATED')).toHaveLength(0);
    expect(replay([pod], rs2).alerts).toHaveLength(0);
  });

  it('applies exceptions, and appends their values', () => {
    const withEx = base.replace(
      '  tags: [k8s]',
      '  tags: [k8s]\n  exceptions:\n    - name: ns\n      fields: [ka.target.namespace, ka.target.resource]\n      comps: [=, in]\n      values: [[kube-system, [pods]]]\n',
    );
    const rs = loadRules([{ name: 'a', content: withEx }]);
    expect(rs.issues.filter((i) => i.level === 'error')).toEqual([]);
    expect(replay([pod], rs).alerts).toHaveLength(1);
    const appended = loadRules([
      { name: 'a', content: withEx },
      { name: 'b', content: '- rule: R\n  exceptions:\n    - name: ns\n      values: [[default, [pods, deployments]]]\n  override:\n    exceptions: append\n' },
    ]);
    expect(appended.issues.filter((i) => i.level === 'error')).toEqual([]);
    expect(replay([pod], appended).alerts).toHaveLength(0);
  });

  it('rejects appends without a target, bad priorities and too-new engine versions', () => {
    const rs = load('- required_engine_version: 9.0.0\n- list: x\n  items: [a]\n  append: true\n- rule: R\n  desc: d\n  condition: ka.verb=get\n  output: o\n  priority: LOUD\n  source: k8s_audit\n');
    expect(rs.issues.filter((i) => i.level === 'error').map((i) => [i.code, i.where.line])).toEqual([
      ['ENGINE_VERSION', 1],
      ['APPEND_WITHOUT_TARGET', 2],
      ['INVALID_PRIORITY', 9],
    ]);
  });

  it('reports YAML errors with their position', () => {
    const rs = load('- rule: R\n  desc: [unclosed\n');
    expect(rs.issues[0]).toMatchObject({ level: 'error', code: 'YAML_SYNTAX', where: { file: 'test.yaml' } });
  });

  it('formats alerts in Falco JSON shape with %field substitution', () => {
    const rs = loadRules([{ name: 'a', content: base }]);
    const { alerts } = replay([pod], rs, { hostname: 'node-1' });
    expect(alerts).toEqual([
      {
        time: '2024-05-01T10:00:00.123456000Z',
        rule: 'R',
        priority: 'Notice',
        output: '10:00:00.123456000: Notice user=alice verb=create images=(docker.io/library/nginx:1.25,registry.local:5000/tools/busybox@sha256:abcd) missing=<NA>',
        output_fields: {
          'ka.user.name': 'alice',
          'ka.verb': 'create',
          'ka.req.pod.containers.image': '(docker.io/library/nginx:1.25,registry.local:5000/tools/busybox@sha256:abcd)',
          'ka.target.subresource': null,
        },
        source: 'k8s_audit',
        tags: ['k8s'],
        hostname: 'node-1',
      },
    ]);
  });
});

describe('input', () => {
  it('skips malformed events with a count and reads EventLists', () => {
    const rs = load('- rule: any\n  desc: d\n  condition: ka.verb exists\n  output: o\n  priority: DEBUG\n  source: k8s_audit\n');
    const r = replay([{ kind: 0 }, 'text', null, { kind: 'EventList', items: [pod, pod] }, pod], rs, { minimumPriority: 'Debug' });
    expect(r).toMatchObject({ events: 3, malformed: 3 });
    expect(r.alerts).toHaveLength(3);
    expect(replay([pod], rs, { minimumPriority: 'Warning' }).alerts).toHaveLength(0);
  });

  it('rejects a log that is not audit events with the k8saudit plugin text', () => {
    expect(() => parseAuditLog('{"kind": 0}\n')).toThrow(AuditInputError);
    expect(() => parseAuditLog('{"kind": 0}\n')).toThrow(NOT_AN_AUDIT_EVENT);
    expect(parseAuditLog(`${JSON.stringify(pod)}\n\n`)).toHaveLength(1);
  });
});

describe('regex (RE2, anchored at both ends, as libsinsp)', () => {
  it('matches the whole value, not a part of it', () => {
    expect(fire('ka.user.name regex "ali.*"')).toBe(true);
    expect(fire('ka.user.name regex "li"')).toBe(false);
    expect(fire('ka.user.name regex "[a-z]+"')).toBe(true);
  });

  it('runs a pattern that backtracks catastrophically in JavaScript in linear time', () => {
    // A backtracking engine would not finish this within the test timeout (or ever).
    const event = { ...pod, user: { username: `${'a'.repeat(50_000)}!` } };
    expect(fire('ka.user.name regex "(a+)+$"', event)).toBe(false);
  });

  it('refuses an invalid pattern at load, with the rule named', () => {
    const rs = load('- rule: r\n  desc: d\n  condition: ka.user.name regex "(unclosed"\n  output: o\n  priority: WARNING\n  source: k8s_audit\n');
    expect(rs.ok).toBe(false);
    expect(rs.issues.find((i) => i.level === 'error')).toMatchObject({ code: 'INVALID_VALUE', item: { kind: 'rule', name: 'r' } });
  });
});

describe('glob (fnmatch, matched with RE2)', () => {
  it.each([
    ['ka.user.name glob "a?i*"', true],
    ['ka.user.name glob "[!b]lice"', true],
    ['ka.user.name glob "[b]lice"', false],
    ['ka.user.name iglob "ALI*"', true],
    ['ka.user.name glob "ALI*"', false],
    ['ka.uri glob "/api/v1/namespaces/default/pods?dryRun=All"', true],
  ])('%s → %s', (condition, expected) => {
    expect(fire(condition)).toBe(expected);
  });

  it('stays linear with many stars on a long value', () => {
    const event = { ...pod, user: { username: 'a'.repeat(200_000) } };
    expect(fire(`ka.user.name glob "${'*a'.repeat(30)}*b"`, event)).toBe(false);
  });
});
