import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDockerfile } from './audit-dockerfile.js';
import { parseDockerfile } from './parse-dockerfile.js';

const fixture = (name: string): string => readFileSync(path.join(import.meta.dirname, '__fixtures__', name), 'utf8');
const summary = (src: string): string[] => auditDockerfile('Dockerfile', src).findings.map((f) => `${f.ruleId} @ ${f.fieldPath ?? ''}`);

describe('auditDockerfile end to end', () => {
  it('reports the usual mistakes of a typical Node app Dockerfile', () => {
    expect(summary(fixture('node-app.Dockerfile')).sort()).toEqual(
      [
        'dockerfile-apt-lists-not-cleaned @ line 12',
        'dockerfile-apt-no-install-recommends @ line 12',
        'dockerfile-base-latest @ line 2',
        'dockerfile-copy-whole-context @ line 19',
        'dockerfile-curl-pipe-shell @ line 12',
        'dockerfile-expose-ssh @ line 21',
        'dockerfile-maintainer-deprecated @ line 4',
        'dockerfile-no-healthcheck @ line 2',
        'dockerfile-root-user @ line 2',
        'dockerfile-secret-in-env-arg @ line 6',
      ].sort(),
    );
  });

  it('finds nothing in a hardened multi-stage Go build, and parses it fully', () => {
    const src = fixture('go-multistage.Dockerfile');
    expect(summary(src)).toEqual([]);
    const df = parseDockerfile(src);
    expect(df.directives).toEqual({ syntax: 'docker/dockerfile:1.7', escape: '\\' });
    expect(df.stages.map((s) => [s.name, s.image.split('@')[0]])).toEqual([
      ['build', 'golang:1.22.5-bookworm'],
      [null, 'gcr.io/distroless/static-debian12:nonroot'],
    ]);
    const build = df.instructions.find((i) => i.heredocs.length > 0);
    expect(build?.heredocs[0]?.content).toMatch(/^set -eu\n.*go build/s);
    expect(df.stages[1]?.user).toEqual({ value: '65532:65532', line: 26 });
  });

  it('turns hostile input into a file error', () => {
    const cases = ['\u0000\u0001ELF garbage', 'x'.repeat(2 * 1024 * 1024), '', 'RUN echo no from\n'];
    for (const src of cases) {
      const r = auditDockerfile('bad/Dockerfile', src);
      expect(r.findings).toEqual([]);
      expect(r.fileErrors).toHaveLength(1);
      expect(r.fileErrors[0]?.file).toBe('bad/Dockerfile');
    }
    expect(auditDockerfile('b', '\u0000').fileErrors[0]?.reason).toMatch(/^CONFIG_INVALID/);
    expect(auditDockerfile('b', 'x'.repeat(2 * 1024 * 1024)).fileErrors[0]?.reason).toMatch(/^LIMIT_ENTRY_SIZE/);
  });
});
