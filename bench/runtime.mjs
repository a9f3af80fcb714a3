// npm run bench:runtime — events/s of @sekisho/runtime replaying Kubernetes audit events with all
// four upstream rules files loaded (falco_rules, incubating, sandbox, k8s_audit: every k8s_audit
// rule active), against a floor measured in the same run: JSON.parse of the same lines plus one
// field read per event. Events are the Falco k8s-audit trace files, repeated to BENCH_EVENTS.
// Needs the built package (the script builds it) and the Falco data in $SEKISHO_SHARED_DIR
// (default ../shared beside the repository).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRules, replay } from '../packages/runtime/dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = process.env.SEKISHO_SHARED_DIR || join(ROOT, '..', 'shared');
const FALCO = join(SHARED, 'conformance', 'falco');
const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const files = [
  'falcosecurity-rules/rules/falco_rules.yaml',
  'falcosecurity-rules/rules/falco-incubating_rules.yaml',
  'falcosecurity-rules/rules/falco-sandbox_rules.yaml',
  'falcosecurity-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml',
].map((f) => ({ name: f, content: readFileSync(join(FALCO, f), 'utf8') }));

let started = process.hrtime.bigint();
const ruleSet = loadRules(files);
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
const errors = ruleSet.issues.filter((i) => i.level === 'error');
if (errors.length > 0) throw new Error(`rules did not load: ${errors.length} errors`);
const active = ruleSet.rules.filter((r) => r.enabled && r.source === 'k8s_audit').length;

const traceDir = join(FALCO, 'falcosecurity-falco-legacy-tests/test/trace_files/k8s_audit');
const sample = readdirSync(traceDir)
  .flatMap((f) => readFileSync(join(traceDir, f), 'utf8').split('\n'))
  .filter((l) => l.trim().startsWith('{') && JSON.parse(l).kind === 'Event');
const lines = Array.from({ length: TOTAL }, (_, i) => sample[i % sample.length]);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = [];
const evalOnly = [];
const endToEnd = [];
let alerts = 0;
for (let round = 0; round < ROUNDS; round++) {
  started = process.hrtime.bigint();
  let sink = 0;
  for (const l of lines) sink += JSON.parse(l).verb === 'create' ? 1 : 0;
  floor.push(TOTAL / (Number(process.hrtime.bigint() - started) / 1e9));

  started = process.hrtime.bigint();
  const parsed = lines.map((l) => JSON.parse(l));
  const r = replay(parsed, ruleSet, { hostname: 'bench' });
  endToEnd.push(TOTAL / (Number(process.hrtime.bigint() - started) / 1e9));
  alerts = r.alerts.length;

  started = process.hrtime.bigint();
  replay(parsed, ruleSet, { hostname: 'bench' });
  evalOnly.push(TOTAL / (Number(process.hrtime.bigint() - started) / 1e9));
  if (sink < 0) console.log(sink);
}

const f = median(floor);
const e = median(endToEnd);
const v = median(evalOnly);
console.log(`rules: ${ruleSet.rules.length} compiled (${active} k8s_audit active), loaded in ${loadMs.toFixed(0)} ms`);
console.log(`events: ${TOTAL} (${sample.length} distinct), alerts: ${alerts}, rounds: ${ROUNDS} (median)`);
console.log(`floor (JSON.parse + one field): ${Math.round(f)} events/s`);
console.log(`parse + rules + alerts:         ${Math.round(e)} events/s (${(e / f).toFixed(2)}× floor)`);
console.log(`rules + alerts (parsed events): ${Math.round(v)} events/s`);
