import { describe, expect, it } from 'vitest';
import { parseChallenges } from './www-authenticate.js';

describe('parseChallenges', () => {
  it('reads a Docker Hub bearer challenge', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ]);
  });
  it('reads several challenges, unquoted values and escapes', () => {
    expect(parseChallenges('Basic realm="Registry \\"x\\"", Bearer realm=https://a/t, service=s')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry "x"' } },
      { scheme: 'bearer', params: { realm: 'https://a/t', service: 's' } },
    ]);
  });
  it('skips token68 values', () => {
    expect(parseChallenges('Negotiate abc==, Basic realm="r"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });
  it('is bounded on hostile input', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `S${i} a=b`).join(', ');
    expect(parseChallenges(many).length).toBeLessThanOrEqual(16);
    expect(parseChallenges('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
    expect(parseChallenges('=,=,"",;;')).toEqual([]);
  });
});
