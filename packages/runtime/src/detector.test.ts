import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition.js';
import { Detector } from './detector.js';
import { auditEventsOf, loadRules } from './engine.js';
import { requiredValues } from './rule-index.js';
import { auditTimeNs } from './detector.js';

const root = sharedDir('conformance', 'falco');
const set = (v: ReadonlySet<string> | undefined): string[] | undefined => (v === undefined ? undefined : [...v].sort());

describe('requiredValues', () => {
  it('reads the values a key field must have from = and in, through and/or', () => {
    expect(set(requiredValues(parseCondition('evt.type in (execve, execveat) and proc.name = sh'), 'evt.type'))).toEqual(['execve', 'execveat']);
    expect(set(requiredValues(parseCondition('(evt.type = open or evt.type = openat) and fd.num >= 0'), 'evt.type'))).toEqual(['open', 'openat']);
    expect(set(requiredValues(parseCondition('evt.type in (open, openat) and evt.type = openat'), 'evt.type'))).toEqual(['openat']);
  });

  it('leaves the key open for anything it cannot prove', () => {
    expect(requiredValues(parseCondition('evt.type = open or proc.name = sh'), 'evt.type')).toBeUndefined();
    expect(requiredValues(parseCondition('not evt.type = open'), 'evt.type')).toBeUndefined();
    expect(requiredValues(parseCondition('evt.type != open'), 'evt.type')).toBeUndefined();
    expect(requiredValues(parseCondition('tolower(evt.type) = open'), 'evt.type')).toBeUndefined();
  });
});

describe.skipIf(root === null)('Detector rule index', () => {
  const dir = root ?? '';
  const files = ['falcosecurity-rules/rules/falco_rules.yaml', 'falcosecurity-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml'];
  const ruleSet = loadRules(files.map((f) => ({ name: f, content: readFileSync(join(dir, f), 'utf8') })));
  const traces = join(dir, 'falcosecurity-falco-legacy-tests/test/trace_files/k8s_audit');
  const events = readdirSync(traces).flatMap((f) =>
    readFileSync(join(traces, f), 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          return auditEventsOf(JSON.parse(l)) ?? [];
        } catch {
          return [];
        }
      }),
  );

  it('alerts exactly as running every rule on every event does', () => {
    const detector = new Detector(ruleSet, { hostname: 'h' });
    const rules = ruleSet.rules.filter((r) => r.source === 'k8s_audit' && r.enabled);
    expect(events.length).toBeGreaterThan(40);
    let num = 0;
    for (const event of events) {
      const indexed: string[] = [];
      detector.evaluate('k8s_audit', event, auditTimeNs(event), (a) => void indexed.push(a.rule));
      const all = rules.filter((r) => r.matches({ event, timeNs: auditTimeNs(event), num: --num })).map((r) => r.name);
      expect(indexed).toEqual(all);
    }
  });

  it('keeps its candidate cache bounded under endless distinct verbs, and still matches', () => {
    const detector = new Detector(ruleSet, { hostname: 'h' });
    const base = events.find((e) => e['verb'] === 'create' && e['stage'] === 'ResponseComplete' && (e['objectRef'] as Record<string, unknown> | undefined)?.['resource'] === 'pods')!;
    let alerts = 0;
    for (let i = 0; i < 5000; i++)
      detector.evaluate('k8s_audit', { ...base, verb: `verb-${i % 100}`, objectRef: { resource: `r-${i}` } }, 0n, () => {
        alerts++;
      });
    const before = alerts;
    detector.evaluate('k8s_audit', base, 0n, () => {
      alerts++;
    });
    expect(alerts).toBeGreaterThan(before);
  });
});
