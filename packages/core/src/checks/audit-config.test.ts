import { describe, expect, it } from 'vitest';
import { auditConfig, detectConfigKind, isConfigCandidate } from './index.js';

const enc = (s: string) => new TextEncoder().encode(s);

const DOCKERFILE = 'FROM ubuntu:latest\nRUN curl -fsSL https://example.com/install.sh | sh\nUSER root\n';
const COMPOSE = 'services:\n  app:\n    image: nginx:1.27\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n';
const INSPECT = JSON.stringify([
  {
    Id: 'a'.repeat(64),
    Name: '/web',
    Config: { Image: 'nginx:1.27', User: '' },
    HostConfig: { Privileged: true, CapAdd: null, CapDrop: null, SecurityOpt: null, Binds: ['/:/host'], NetworkMode: 'host', PidMode: '' },
    Mounts: [],
  },
]);
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x:1, securityContext: {privileged: true}}]}\n';

describe('auditConfig', () => {
  it('detects each format and sends it to its auditor', () => {
    expect(detectConfigKind('Dockerfile', DOCKERFILE)).toBe('dockerfile');
    expect(detectConfigKind('docker-compose.yml', COMPOSE)).toBe('compose');
    expect(detectConfigKind('inspect.json', INSPECT)).toBe('docker-inspect');
    expect(detectConfigKind('pod.yaml', POD)).toBe('kubernetes');
    expect(detectConfigKind('notes.txt', 'hello')).toBeNull();

    const r = auditConfig([
      { path: 'Dockerfile', content: enc(DOCKERFILE) },
      { path: 'docker-compose.yml', content: enc(COMPOSE) },
      { path: 'inspect.json', content: enc(INSPECT) },
      { path: 'pod.yaml', content: enc(POD) },
      { path: 'notes.txt', content: enc('hello') },
    ]);
    const files = new Set(r.findings.map((f) => f.target.file));
    expect([...files].sort()).toEqual(['Dockerfile', 'docker-compose.yml', 'inspect.json', 'pod.yaml']);
    expect(new Set(r.workloads.map((w) => w.profile.platform))).toEqual(new Set(['docker', 'kubernetes']));
    for (const file of ['docker-compose.yml', 'inspect.json', 'pod.yaml'])
      expect(r.workloads.find((w) => w.target.file === file)?.openPaths.some((p) => p.techniqueId === 'privileged-container')).toBe(true);
    expect(r.fileErrors).toEqual([{ file: 'notes.txt', reason: 'not a recognised configuration format (use --type)', notApplicable: true }]);
  });

  it('honours the type hint and rejects a malformed PSS version', () => {
    const r = auditConfig([{ path: 'anything.txt', content: enc(POD), typeHint: 'kubernetes' }], { pssVersion: 'v1.20' });
    expect(r.findings.find((f) => f.ruleId === 'pss-privileged')?.standard?.version).toBe('v1.20');
    expect(() => auditConfig([], { pssVersion: 'one.twenty' })).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }));
  });

  it('is deterministic whatever the input order', () => {
    const inputs = [
      { path: 'b.yaml', content: enc(POD) },
      { path: 'a.yaml', content: enc(POD.replace('name: p', 'name: q')) },
    ];
    expect(auditConfig([...inputs].reverse())).toEqual(auditConfig(inputs));
  });

  it('selects configuration files when walking a tree', () => {
    expect(['a.yaml', 'b.yml', 'c.json', 'Dockerfile', 'Dockerfile.prod', 'api.dockerfile', 'Containerfile'].every(isConfigCandidate)).toBe(true);
    expect(['README.md', 'main.go', 'logo.png'].some(isConfigCandidate)).toBe(false);
  });
});
