import { describe, expect, it } from 'vitest';
import { formatImageReference, parseImageReference, parseRegistryTarget, registryReferenceOf } from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', 'docker.io', 'registry-1.docker.io', 'library/nginx', 'latest', null],
    ['nginx:1.25', 'docker.io', 'registry-1.docker.io', 'library/nginx', '1.25', null],
    ['user/app', 'docker.io', 'registry-1.docker.io', 'user/app', 'latest', null],
    ['docker.io/nginx', 'docker.io', 'registry-1.docker.io', 'library/nginx', 'latest', null],
    ['index.docker.io/library/nginx:1', 'docker.io', 'registry-1.docker.io', 'library/nginx', '1', null],
    ['registry.example.com/team/app:1.2', 'registry.example.com', 'registry.example.com', 'team/app', '1.2', null],
    ['localhost:5000/x:y', 'localhost:5000', 'localhost:5000', 'x', 'y', null],
    ['localhost/x', 'localhost', 'localhost', 'x', 'latest', null],
    [`ghcr.io/o/r@${DIGEST}`, 'ghcr.io', 'ghcr.io', 'o/r', null, DIGEST],
    [`ghcr.io/o/r:v1@${DIGEST}`, 'ghcr.io', 'ghcr.io', 'o/r', 'v1', DIGEST],
    ['[::1]:5000/a/b:c', '[::1]:5000', '[::1]:5000', 'a/b', 'c', null],
    ['127.0.0.1:5000/a__b/c-d.e:x', '127.0.0.1:5000', '127.0.0.1:5000', 'a__b/c-d.e', 'x', null],
  ])('%s', (text, registry, apiHost, repository, tag, digest) => {
    const ref = parseImageReference(text);
    expect(ref).toMatchObject({ registry, apiHost, repository, tag, digest });
    expect(ref.selector).toBe(digest ?? tag);
  });

  it.each(['', 'UPPER', 'a/B', 'a:', 'a@sha256:zz', 'a//b', 'a/-b', `a:${'t'.repeat(129)}`, 'host:99999999/a', `x/${'a'.repeat(300)}`, 'a b'])('refuses %j', (text) => {
    expect(() => parseImageReference(text)).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }) as Error);
  });

  it('formats fully qualified references', () => {
    expect(formatImageReference(parseImageReference('nginx'))).toBe('docker.io/library/nginx:latest');
    expect(formatImageReference(parseImageReference(`h:1/a@${DIGEST}`))).toBe(`h:1/a@${DIGEST}`);
  });
});

describe('registryReferenceOf', () => {
  const none = () => false;
  it('sends references that name no local path to the registry', () => {
    expect(registryReferenceOf('nginx', none)?.repository).toBe('library/nginx');
    expect(registryReferenceOf('localhost:5000/x:y', none)?.registry).toBe('localhost:5000');
    expect(registryReferenceOf(`registry.example.com/team/app@${DIGEST}`, none)?.digest).toBe(DIGEST);
  });
  it('honours explicit prefixes even when a path of that name exists', () => {
    expect(registryReferenceOf('registry:nginx', () => true)?.repository).toBe('library/nginx');
    expect(registryReferenceOf('docker://ghcr.io/o/r:1', () => true)?.registry).toBe('ghcr.io');
  });
  it('keeps local paths, local schemes and path-like names local', () => {
    expect(registryReferenceOf('nginx', (p) => p === 'nginx')).toBeNull();
    expect(registryReferenceOf('layout:v1', (p) => p === 'layout')).toBeNull();
    expect(registryReferenceOf(`layout@${DIGEST}`, (p) => p === 'layout')).toBeNull();
    for (const text of ['oci:missing', 'docker-archive:x.tar', 'dir:/x', './image', '../x', '/abs/path', '~/img', 'missing.tar', 'image.tar.gz', 'x.tar:repo:tag', 'C:\\x']) {
      expect(registryReferenceOf(text, none), text).toBeNull();
    }
  });
  it('keeps invalid references local (so the local error is reported)', () => {
    expect(registryReferenceOf('Not A Ref', none)).toBeNull();
  });
});

describe('parseRegistryTarget', () => {
  it('takes a registry host alone or a repository', () => {
    expect(parseRegistryTarget('localhost:5000')).toEqual({ registry: 'localhost:5000', apiHost: 'localhost:5000', repository: null });
    expect(parseRegistryTarget('registry.example.com/')).toMatchObject({ repository: null });
    expect(parseRegistryTarget('localhost:5000/team/app')).toEqual({ registry: 'localhost:5000', apiHost: 'localhost:5000', repository: 'team/app' });
    expect(parseRegistryTarget('docker.io')).toMatchObject({ apiHost: 'registry-1.docker.io', repository: null });
    expect(parseRegistryTarget('library/nginx')).toMatchObject({ registry: 'docker.io', repository: 'library/nginx' });
    expect(() => parseRegistryTarget('localhost:5000/app:1')).toThrow();
  });
});
