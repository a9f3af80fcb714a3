import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditCompose } from '../compose/audit-compose.js';
import { auditDockerInspect } from '../docker-inspect/audit-docker-inspect.js';
import { auditDockerfile } from './audit-dockerfile.js';

/** Deterministic mutations of the real-shaped fixtures: every result is findings or a file error, never a throw. */
function* mutants(seedText: string, count: number): Generator<string> {
  let state = 0x2545f491;
  const rnd = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const alphabet = ['\\', '`', '$', '{', '}', '<<', '<<-EOF', '"', "'", '\n', '\t', ':', '[', ']', '&', '*a', '&a ', '#', '--', '=', '\u0000', '\uFFFD', 'EOF\n'];
  for (let i = 0; i < count; i++) {
    let s = seedText;
    const edits = 1 + rnd(8);
    for (let e = 0; e < edits; e++) {
      const at = rnd(s.length + 1);
      const op = rnd(3);
      if (op === 0) s = s.slice(0, at) + (alphabet[rnd(alphabet.length)] ?? '') + s.slice(at);
      else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rnd(20));
      else s = s.slice(0, at) + s.slice(rnd(s.length), rnd(s.length)) + s.slice(at);
    }
    yield s;
  }
}

const dir = (sub: string): string => path.join(import.meta.dirname, '..', sub, '__fixtures__');

describe('mutated inputs never crash the auditors', () => {
  it.each([
    ['dockerfile', readFileSync(path.join(dir('dockerfile'), 'go-multistage.Dockerfile'), 'utf8'), auditDockerfile],
    ['dockerfile', readFileSync(path.join(dir('dockerfile'), 'node-app.Dockerfile'), 'utf8'), auditDockerfile],
    ['compose', readFileSync(path.join(dir('compose'), 'web-db.compose.yml'), 'utf8'), auditCompose],
    ['docker-inspect', readFileSync(path.join(dir('docker-inspect'), 'containers.inspect.json'), 'utf8'), auditDockerInspect],
  ] as const)('%s', (_kind, seed, audit) => {
    let parsed = 0;
    for (const input of mutants(seed, 300)) {
      const r = audit('fuzz', input);
      for (const e of r.fileErrors) expect(e).toEqual({ file: 'fuzz', reason: expect.stringMatching(/^[A-Z_]+: \S/) });
      for (const f of r.findings) expect(f.fieldPath).not.toBeNull();
      if (r.fileErrors.length === 0) parsed++;
    }
    // The mutations must leave some inputs parseable, or the test only exercises the error path.
    expect(parsed).toBeGreaterThan(0);
  });
});
