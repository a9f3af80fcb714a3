// Test helpers: small packages and reports written in the tests, not taken from any image.
import type { Distro, Package, PackageType, Relationship, Report } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';

export function distro(id: string, versionId: string): Distro {
  return { id, versionId, codename: null, prettyName: `${id} ${versionId}`, idLike: [], distroless: false, eol: { status: 'unknown', date: null, phase: 'unknown', phaseEnds: null, extendedName: null }, foundIn: '/etc/os-release' };
}

export function pkg(type: PackageType, name: string, version: string, extra: Partial<Package> = {}): Package {
  return {
    id: extra.id ?? `${type}:${name}@${version}`,
    name,
    version,
    type,
    purl: `pkg:${type}/${name}@${version}`,
    cpes: [],
    licenses: [],
    locations: [{ path: `/evidence/${name}`, layerDigest: 'sha256:l1', diffId: 'sha256:d1', layerIndex: 1 }],
    foundBy: 'test',
    evidence: 'installed',
    source: null,
    metadata: null,
    ...extra,
  };
}

export function report(packages: readonly Package[], d: Distro | null = null, relationships: readonly Relationship[] = []): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: '0.0.0-test' },
    target: { reference: 'example:latest', sourceType: 'oci-layout', manifestDigest: 'sha256:m1', configDigest: 'sha256:c1', platform: null, repoTags: ['example:latest'] },
    image: {
      layers: [
        { index: 0, digest: 'sha256:l0', diffId: 'sha256:d0', mediaType: null, size: 1, createdBy: 'ADD rootfs.tar /' },
        { index: 1, digest: 'sha256:l1', diffId: 'sha256:d1', mediaType: null, size: 1, createdBy: 'RUN apt-get install -y example' },
      ],
      config: { user: null, env: [], entrypoint: [], cmd: [], workingDir: null, exposedPorts: [], labels: {}, healthcheck: null, created: null },
      size: 2,
    },
    distro: d,
    packages,
    relationships,
    findings: [],
    unknowns: [],
    notChecked: [],
  };
}
