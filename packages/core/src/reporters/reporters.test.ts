import { readFileSync } from 'node:fs';
import type { Report } from '@sekisho/model';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { getReporter, reporters } from './registry.js';

const now = new Date('2026-01-02T03:04:05.678Z');
const options = { now, color: false };

const layerDigest = `sha256:${'a'.repeat(64)}`;
const REPORT: Report = {
  schema: 'sekisho.report/v1',
  tool: { name: 'sekisho', version: '0.1.0' },
  target: {
    reference: 'app.tar',
    sourceType: 'docker-archive',
    manifestDigest: null,
    configDigest: `sha256:${'c'.repeat(64)}`,
    platform: { os: 'linux', architecture: 'amd64', variant: null },
    repoTags: ['example/app:1.0'],
  },
  image: {
    layers: [{ index: 0, digest: layerDigest, diffId: layerDigest, mediaType: null, size: 10, createdBy: '/bin/sh -c apt-get install -y curl' }],
    config: { user: null, env: [], entrypoint: [], cmd: [], workingDir: null, exposedPorts: [], labels: {}, healthcheck: null, created: null },
    size: 10,
  },
  distro: {
    id: 'debian',
    versionId: '12',
    codename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
    idLike: [],
    distroless: false,
    eol: { status: 'supported', date: '2026-06-10', phase: 'extended', phaseEnds: '2028-06-30', extendedName: 'Debian LTS' },
    foundIn: '/etc/os-release',
  },
  packages: [
    {
      id: '0123456789abcdef',
      name: 'curl',
      version: '7.88.1-10+deb12u8',
      type: 'deb',
      purl: 'pkg:deb/debian/curl@7.88.1-10+deb12u8?arch=amd64&distro=debian-12',
      cpes: [],
      licenses: [],
      locations: [{ path: '/var/lib/dpkg/status', layerDigest, diffId: layerDigest, layerIndex: 0 }],
      foundBy: 'dpkg-db-cataloger',
      evidence: 'installed',
      source: null,
      metadata: null,
    },
    {
      id: 'fedcba9876543210',
      name: '@scope/left-pad',
      version: '1.3.0',
      type: 'npm',
      purl: 'pkg:npm/%40scope/left-pad@1.3.0',
      cpes: [],
      licenses: ['MIT OR Apache-2.0', 'Some Custom License'],
      locations: [{ path: '/app/node_modules/@scope/left-pad/package.json', layerDigest, diffId: layerDigest, layerIndex: 0 }],
      foundBy: 'javascript-package-cataloger',
      evidence: 'installed',
      source: null,
      metadata: null,
    },
  ],
  relationships: [{ from: 'fedcba9876543210', to: '0123456789abcdef', type: 'depends-on' }],
  findings: [],
  unknowns: [],
  notChecked: [],
};

describe('reporters', () => {
  it('marks development dependencies: CycloneDX property sekisho:package:dev, SPDX package comment, JSON field', () => {
    const withDev: Report = { ...REPORT, packages: REPORT.packages.map((p) => (p.type === 'npm' ? { ...p, dev: true } : p)) };
    const bom = JSON.parse(getReporter('cyclonedx-json')?.render(withDev, options) ?? '') as { components: { name: string; properties?: { name: string; value: string }[] }[] };
    expect(bom.components.find((c) => c.name === '@scope/left-pad')?.properties).toContainEqual({ name: 'sekisho:package:dev', value: 'true' });
    expect(bom.components.find((c) => c.name === 'curl')?.properties?.some((p) => p.name === 'sekisho:package:dev')).toBe(false);
    const spdx = JSON.parse(getReporter('spdx-json')?.render(withDev, options) ?? '') as { packages: { name: string; comment?: string }[] };
    expect(spdx.packages.find((p) => p.name === '@scope/left-pad')?.comment).toContain('development dependency');
    expect(spdx.packages.find((p) => p.name === 'curl')?.comment).not.toContain('development dependency');
    const json = JSON.parse(getReporter('json')?.render(withDev, options) ?? '') as { packages: { name: string; dev?: boolean }[] };
    expect(json.packages.find((p) => p.name === '@scope/left-pad')?.dev).toBe(true);
  });

  it('every reporter is deterministic', () => {
    for (const reporter of reporters) expect(reporter.render(REPORT, options)).toBe(reporter.render(structuredClone(REPORT), options));
  });

  it('writes CycloneDX 1.6 that validates against the official schema', async () => {
    const text = getReporter('cyclonedx-json')?.render(REPORT, options) ?? '';
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const bom = JSON.parse(text) as {
      specVersion: string;
      components: { name: string; purl?: string; licenses?: unknown[] }[];
      dependencies: { ref: string; dependsOn?: string[] }[];
      metadata: { timestamp?: string };
    };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.metadata.timestamp).toBeUndefined();
    expect(bom.components.map((c) => c.name).sort()).toEqual(['@scope/left-pad', 'curl', 'debian']);
    expect(bom.components.find((c) => c.name === 'curl')?.purl).toBe(REPORT.packages[0]?.purl);
    expect(bom.components.find((c) => c.name === '@scope/left-pad')?.licenses).toEqual([{ license: { name: 'MIT OR Apache-2.0' } }, { license: { name: 'Some Custom License' } }]);
    expect(bom.dependencies).toContainEqual({ ref: 'fedcba9876543210', dependsOn: ['0123456789abcdef'] });
  });

  it('writes SPDX 2.3 that validates against the official schema', () => {
    const schema = JSON.parse(readFileSync(new URL('./spdx-json/__fixtures__/spdx-schema-2.3.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const doc = JSON.parse(getReporter('spdx-json')?.render(REPORT, options) ?? '') as Record<string, unknown> & {
      packages: { name: string; licenseDeclared: string; SPDXID: string }[];
      creationInfo: { created: string };
      relationships: { relationshipType: string }[];
    };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.creationInfo.created).toBe('2026-01-02T03:04:05Z');
    expect(doc.packages.find((p) => p.name === '@scope/left-pad')?.licenseDeclared).toMatch(/^\(MIT OR Apache-2\.0\) AND LicenseRef-sekisho-Some-Custom-License-[0-9a-f]{8}$/);
    expect(doc.packages.find((p) => p.name === 'curl')?.licenseDeclared).toBe('NOASSERTION');
    for (const p of doc.packages) expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(doc.relationships.map((r) => r.relationshipType).sort()).toEqual(['CONTAINS', 'CONTAINS', 'CONTAINS', 'DEPENDS_ON', 'DESCRIBES']);
  });

  it('shows the OS, its EOL status, and the layer and build step of each package in the table', () => {
    const text = getReporter('table')?.render(REPORT, options) ?? '';
    expect(text).toContain('Debian GNU/Linux 12 (bookworm) — regular support ended 2026-06-10; Debian LTS until 2028-06-30');
    expect(text).toMatch(/curl\s*│\s*7\.88\.1-10\+deb12u8\s*│\s*deb\s*│\s*0 aaaaaaaaaaaa\s*│\s*apt-get install -y curl/);
  });
});
