// npm run bench:runtime — events/s per core of @sekisho/runtime with the upstream rules loaded,
// for Kubernetes audit events and for process events, against a floor measured in the same run
// (JSON.parse of the same lines plus one field read per event).
//
// - k8s_audit: all four upstream rules files (every k8s_audit rule active) over the Falco
//   k8s-audit trace files, repeated to BENCH_EVENTS.
// - syscall: falco_rules.yaml's syscall rules over a mix of process events (execs of shells,
//   package managers, finds; file opens), repeated to BENCH_EVENTS.
// Each is measured three ways: parse + rules + alerts, rules + alerts on parsed events, and
// rules only (matches counted, no alert built). Needs the built package (the script builds it) and
// the Falco data in $SEKISHO_SHARED_DIR (default ../shared beside the repository).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auditTimeNs, Detector, inputProfile, loadOptionsFor, loadRules } from '../packages/runtime/dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = process.env.SEKISHO_SHARED_DIR || join(ROOT, '..', 'shared');
const FALCO = join(SHARED, 'conformance', 'falco');
const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const read = (files, options) => {
  const started = process.hrtime.bigint();
  const ruleSet = loadRules(
    files.map((f) => ({ name: f, content: readFileSync(join(FALCO, f), 'utf8') })),
    options,
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const errors = ruleSet.issues.filter((i) => i.level === 'error');
  if (errors.length > 0) throw new Error(`rules did not load: ${errors.length} errors`);
  return { ruleSet, ms };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (fn) => {
  const started = process.hrtime.bigint();
  fn();
  return TOTAL / (Number(process.hrtime.bigint() - started) / 1e9);
};

/** Measures one source; `decode` turns a line into [event, timeNs]. */
function measure(label, source, ruleSet, lines, decode) {
  const floor = [];
  const endToEnd = [];
  const withAlerts = [];
  const rulesOnly = [];
  let alerts = 0;
  const parsed = lines.map(decode);
  for (let round = 0; round < ROUNDS; round++) {
    let sink = 0;
    floor.push(
      rate(() => {
        for (const l of lines) sink += JSON.parse(l).verb === 'create' ? 1 : 0;
      }),
    );
    endToEnd.push(
      rate(() => {
        const detector = new Detector(ruleSet, { hostname: 'bench' });
        alerts = 0;
        const count = () => void alerts++;
        for (const l of lines) {
          const [event, t] = decode(l);
          detector.evaluate(source, event, t, count);
        }
      }),
    );
    withAlerts.push(
      rate(() => {
        const detector = new Detector(ruleSet, { hostname: 'bench' });
        const count = () => void sink++;
        for (const [event, t] of parsed) detector.evaluate(source, event, t, count);
      }),
    );
    rulesOnly.push(
      rate(() => {
        const detector = new Detector(ruleSet, { hostname: 'bench' });
        for (const [event, t] of parsed) sink += detector.evaluate(source, event, t);
      }),
    );
    if (sink < 0) console.log(sink);
  }
  const f = median(floor);
  const e = median(endToEnd);
  console.log(`\n${label}: ${TOTAL} events, ${alerts} alerts, ${new Detector(ruleSet).activeRules(source)} active rules, rounds: ${ROUNDS} (median)`);
  console.log(`  floor (JSON.parse + one field):  ${Math.round(f)} events/s`);
  console.log(`  parse + rules + alerts:          ${Math.round(e)} events/s (${(e / f).toFixed(2)}× floor)`);
  console.log(`  rules + alerts (parsed events):  ${Math.round(median(withAlerts))} events/s`);
  console.log(`  rules only (parsed events):      ${Math.round(median(rulesOnly))} events/s`);
}

// Kubernetes audit events.
const k8s = read([
  'falcosecurity-rules/rules/falco_rules.yaml',
  'falcosecurity-rules/rules/falco-incubating_rules.yaml',
  'falcosecurity-rules/rules/falco-sandbox_rules.yaml',
  'falcosecurity-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml',
]);
const traceDir = join(FALCO, 'falcosecurity-falco-legacy-tests/test/trace_files/k8s_audit');
const auditSample = readdirSync(traceDir)
  .flatMap((f) => readFileSync(join(traceDir, f), 'utf8').split('\n'))
  .filter((l) => l.trim().startsWith('{') && JSON.parse(l).kind === 'Event');
console.log(`k8s_audit rules loaded in ${k8s.ms.toFixed(0)} ms; ${auditSample.length} distinct events`);
measure(
  'k8s_audit',
  'k8s_audit',
  k8s.ruleSet,
  Array.from({ length: TOTAL }, (_, i) => auditSample[i % auditSample.length]),
  (l) => {
    const e = JSON.parse(l);
    return [e, auditTimeNs(e)];
  },
);

// Process events (Sekisho's process-event lines, as `replay --source syscall` reads them).
const sys = read(['falcosecurity-rules/rules/falco_rules.yaml'], loadOptionsFor('syscall'));
const container = { id: '4f2a9c1b7e3d', image: 'docker.io/library/nginx:1.27' };
const execOf = (name, args, ancestors, extra = {}) => ({
  time: '2026-12-06T10:00:00.123456789Z',
  type: 'execve',
  proc: { pid: 4242, name, exe: name, exepath: `/usr/bin/${name}`, args, tty: 0, cwd: '/' },
  ancestors,
  user: { uid: 0, name: 'root', loginuid: -1 },
  container,
  ...extra,
});
const processSample = [
  execOf('bash', [], [{ name: 'runc' }], { proc: { pid: 1, name: 'bash', args: [], tty: 34816 } }),
  execOf('nginx', ['-g', 'daemon off;'], [{ name: 'containerd-shim' }]),
  execOf('find', ['/', '-name', 'id_rsa'], [{ name: 'bash' }]),
  execOf('apt-get', ['install', '-y', 'curl'], [{ name: 'sh' }, { name: 'bash' }]),
  execOf('python3', ['app.py'], [{ name: 'gunicorn' }, { name: 'containerd-shim' }]),
  {
    time: '2026-12-06T10:00:00.2Z',
    type: 'openat',
    args: { flags: 'O_RDONLY' },
    proc: { pid: 77, name: 'cat', args: ['/etc/shadow'] },
    ancestors: [{ name: 'bash' }],
    fd: { name: '/etc/shadow', type: 'file', num: 3 },
    user: { uid: 0, name: 'root' },
    container,
  },
  {
    time: '2026-12-06T10:00:00.3Z',
    type: 'openat',
    args: { flags: 'O_RDONLY' },
    proc: { pid: 78, name: 'node', args: ['server.js'] },
    ancestors: [{ name: 'containerd-shim' }],
    fd: { name: '/app/package.json', type: 'file', num: 21 },
    user: { uid: 1000 },
    container,
  },
  { time: '2026-12-06T10:00:00.4Z', type: 'read', proc: { pid: 78, name: 'node' }, ancestors: [], fd: { name: '/app/data', type: 'file', num: 21 }, container },
].map((e) => JSON.stringify(e));
const decodeProcess = inputProfile('syscall').decodeLine;
console.log(`\nsyscall rules (falco_rules.yaml) loaded in ${sys.ms.toFixed(0)} ms; ${processSample.length} distinct events`);
measure(
  'syscall',
  'syscall',
  sys.ruleSet,
  Array.from({ length: TOTAL }, (_, i) => processSample[i % processSample.length]),
  (l) => {
    const [item] = decodeProcess(l);
    return [item.event, item.timeNs];
  },
);
