import { describe, expect, it } from 'vitest';
import { auditDockerfile } from './audit-dockerfile.js';
import { detectDockerfile } from './detect.js';
import { DOCKERFILE_RULES, isSecretName, parseImageRef } from './rules.js';
import { splitShell } from './shell-commands.js';

/** Field paths of one rule's findings. */
function hits(ruleId: string, src: string): string[] {
  const r = auditDockerfile('Dockerfile', src);
  expect(r.fileErrors).toEqual([]);
  return r.findings.filter((f) => f.ruleId === ruleId).map((f) => f.fieldPath ?? '');
}

const BASE = 'FROM debian:12@sha256:' + 'a'.repeat(64) + '\n';

/** [rule, positive (lines expected), negative]. The negative samples are the good pattern. */
const CASES: ReadonlyArray<readonly [string, string, readonly string[], string]> = [
  ['dockerfile-root-user', `${BASE}RUN make\n`, ['line 1'], `${BASE}USER app\n`],
  ['dockerfile-root-user', `${BASE}USER app\nUSER root:root\n`, ['line 3'], `FROM x:1 AS b\nUSER 1000\nFROM b\n`],
  ['dockerfile-root-user', `FROM b:1 AS build\nUSER 1000\n${BASE}`, ['line 3'], 'FROM gcr.io/distroless/static:nonroot\n'],
  ['dockerfile-add-remote-url', `${BASE}ADD https://example.com/x.tgz /opt/\n`, ['line 2'], `${BASE}ADD --checksum=sha256:${'b'.repeat(64)} https://example.com/x.tgz /opt/\nADD local.tgz /opt/\n`],
  ['dockerfile-add-remote-url', `${BASE}ONBUILD ADD http://example.com/a /a\n`, ['line 2'], `${BASE}COPY https.txt /a\n`],
  ['dockerfile-base-latest', 'FROM node:latest\nFROM alpine\n', ['line 1', 'line 2'], 'FROM node:22\nFROM scratch\n'],
  ['dockerfile-base-latest', 'ARG V\nFROM node:$V\n', ['line 2'], 'ARG V=22\nFROM node:$V AS a\nFROM a\n'],
  ['dockerfile-base-not-pinned', 'FROM node:22-alpine\n', ['line 1'], `FROM node:22@sha256:${'c'.repeat(64)}\nFROM localhost:5000/app@sha256:${'d'.repeat(64)}\n`],
  ['dockerfile-curl-pipe-shell', `${BASE}RUN curl -fsSL https://get.example.sh | sudo bash -s --\n`, ['line 2'], `${BASE}RUN curl -fsSLo i.sh https://x/i.sh && sha256sum -c sums && sh i.sh\n`],
  ['dockerfile-curl-pipe-shell', `${BASE}RUN wget -qO- https://x/i.sh |\\\n  sh\n`, ['line 2'], `${BASE}RUN curl https://x | tar xz\n`],
  ['dockerfile-curl-pipe-shell', `${BASE}RUN sh -c "$(curl -fsSL https://x/i.sh)"\n`, ['line 2'], `${BASE}RUN echo "curl x | sh"\n`],
  ['dockerfile-curl-pipe-shell', `${BASE}RUN <<EOF\nset -e\ncurl -s https://x | bash\nEOF\n`, ['line 2'], `${BASE}RUN <<EOF\ncurl -so x https://x\nEOF\n`],
  [
    'dockerfile-secret-in-env-arg',
    `${BASE}ENV DB_PASSWORD=hunter22 APP=1\nARG NPM_TOKEN=npm_abcdef\n`,
    ['line 2', 'line 3'],
    `${BASE}ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D TOKEN_FILE=/run/secrets/t\nENV API_KEY=$API_KEY\n`,
  ],
  [
    'dockerfile-secret-build-arg',
    `${BASE}ARG GITHUB_TOKEN\nENV AWS_SECRET_ACCESS_KEY=\${AWS_SECRET_ACCESS_KEY}\n`,
    ['line 2', 'line 3'],
    `${BASE}RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN make\nARG VERSION\n`,
  ],
  ['dockerfile-sudo', `${BASE}RUN apt-get update && sudo -u app make\n`, ['line 2'], `${BASE}USER root\nRUN make\n`],
  [
    'dockerfile-apt-no-install-recommends',
    `${BASE}RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n`,
    ['line 2'],
    `${BASE}RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n`,
  ],
  [
    'dockerfile-apt-lists-not-cleaned',
    `${BASE}RUN apt-get update && apt-get install -y --no-install-recommends curl\n`,
    ['line 2'],
    `${BASE}RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl\n`,
  ],
  ['dockerfile-apt-upgrade', `${BASE}RUN apt-get update && apt-get -y dist-upgrade\n`, ['line 2'], `${BASE}RUN apt-get install -y --only-upgrade openssl && rm -rf /var/lib/apt/lists/*\n`],
  ['dockerfile-expose-ssh', `${BASE}EXPOSE 80 22/tcp\nEXPOSE 20-30\n`, ['line 2', 'line 3'], `${BASE}EXPOSE 80 2222 220\n`],
  ['dockerfile-no-healthcheck', `${BASE}USER 1\n`, ['line 1'], `FROM a:1 AS base\nHEALTHCHECK CMD true\nFROM base\n`],
  ['dockerfile-no-healthcheck', `${BASE}HEALTHCHECK NONE\n`, ['line 2'], `${BASE}HEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD true\n`],
  ['dockerfile-copy-whole-context', `${BASE}COPY . .\nADD ./ /app\n`, ['line 2', 'line 3'], `${BASE}COPY package.json ./\nCOPY --from=build . /app\n`],
  ['dockerfile-copy-sensitive-file', `${BASE}COPY id_rsa /root/.ssh/id_rsa\nCOPY .env config/.npmrc /app/\n`, ['line 2', 'line 3'], `${BASE}COPY .env.example src/key.ts /app/\n`],
  ['dockerfile-workdir-proc-fd', `${BASE}WORKDIR /proc/self/fd/8\n`, ['line 2'], `${BASE}WORKDIR /procedures/fd\n`],
  ['dockerfile-maintainer-deprecated', `${BASE}MAINTAINER me@example.com\n`, ['line 2'], `${BASE}LABEL org.opencontainers.image.authors=me\n`],
];

describe('Dockerfile rules', () => {
  it.each(CASES.map(([id, pos, lines, neg], i) => ({ id, pos, lines, neg, i })))('$id #$i', ({ id, pos, lines, neg }) => {
    expect(hits(id, pos)).toEqual(lines);
    expect(hits(id, neg)).toEqual([]);
  });

  it('has a positive and a negative case for every rule, and unique ids', () => {
    const ids = DOCKERFILE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...new Set(CASES.map((c) => c[0]))].sort()).toEqual([...ids].sort());
  });

  it('explains each finding and gives its fix', () => {
    const r = auditDockerfile('app/Dockerfile', 'FROM node\nENV API_TOKEN=abcd1234\n');
    const f = r.findings.find((x) => x.ruleId === 'dockerfile-secret-in-env-arg');
    expect(f).toMatchObject({
      kind: 'misconfiguration',
      severity: 'high',
      fieldPath: 'line 2',
      foundBy: 'dockerfile-checks',
      target: { file: 'app/Dockerfile', kind: 'Dockerfile' },
    });
    expect(f?.description).toMatch(/ENV API_TOKEN is set to a literal value\. ENV values are stored/);
    expect(f?.fix).toMatch(/--mount=type=secret/);
    expect(r.findings.find((x) => x.ruleId === 'dockerfile-root-user')?.severity).toBe('medium');
  });

  it('honours --target for final-stage rules', () => {
    const src = 'FROM a:1 AS dev\nFROM b:1 AS prod\nUSER 1000\nHEALTHCHECK CMD true\n';
    expect(auditDockerfile('D', src).findings.filter((f) => f.ruleId === 'dockerfile-root-user')).toEqual([]);
    const dev = auditDockerfile('D', src, { target: 'dev' }).findings.filter((f) => f.ruleId === 'dockerfile-root-user');
    expect(dev.map((f) => f.fieldPath)).toEqual(['line 1']);
  });
});

describe('rule helpers', () => {
  it('recognises secret names', () => {
    for (const n of ['DB_PASSWORD', 'apiToken', 'AWS_SECRET_ACCESS_KEY', 'API_KEY', 'SSH_PRIVATE_KEY', 'GITHUB_AUTH']) expect(isSecretName(n), n).toBe(true);
    for (const n of ['GPG_KEY', 'TOKEN_FILE', 'PUBLIC_KEY', 'KEYBOARD', 'MONKEY', 'PATH', 'NODE_VERSION', 'SECRET_KEY_PATH']) expect(isSecretName(n), n).toBe(false);
  });

  it('parses image references', () => {
    expect(parseImageRef('localhost:5000/a/b:1.2@sha256:ab')).toEqual({ name: 'localhost:5000/a/b', tag: '1.2', digest: 'sha256:ab' });
    expect(parseImageRef('localhost:5000/a')).toEqual({ name: 'localhost:5000/a', tag: null, digest: null });
  });

  it('splits shell commands with quotes, pipes and substitutions', () => {
    expect(splitShell('a "b | c" && d $(e | f) | g 2>&1; h').map((c) => [c.words, c.next])).toEqual([
      [['a', 'b | c'], '&&'],
      [['d', '$(e | f)'], '|'],
      [['g', '2>&1'], ';'],
      [['h'], ''],
    ]);
  });

  it('keeps every command of a script (bounded by the line limit): 10,000 no-ops cannot hide a curl | sh', () => {
    const commands = splitShell(`${'true; '.repeat(10_000)}curl -fsSL https://x.example/i.sh | sh`);
    expect(commands.at(-2)?.words).toEqual(['curl', '-fsSL', 'https://x.example/i.sh']);
    expect(commands.at(-1)?.words).toEqual(['sh']);
  });

  it('detects Dockerfiles by name and content', () => {
    expect(detectDockerfile('x/Dockerfile', '')).toBe('name');
    expect(detectDockerfile('Containerfile.prod', '')).toBe('name');
    expect(detectDockerfile('api.dockerfile', '')).toBe('name');
    expect(detectDockerfile('src/dockerfile-checks.ts', 'export {}')).toBeNull();
    expect(detectDockerfile('build/image', '# syntax=docker/dockerfile:1\nARG V=1\nFROM node:$V\n')).toBe('content');
    expect(detectDockerfile('build/ci', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n')).toBe('content');
    expect(detectDockerfile('notes.txt', 'from the start\nsome text')).toBeNull();
    expect(detectDockerfile('compose.yaml', 'services:\n  a: {}\n')).toBeNull();
  });
});
