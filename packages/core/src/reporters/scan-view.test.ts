import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '@sekisho/model';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { advisoryStoreFromYaml } from '../testing/advisory-store.js';
import { attributeLayers } from '../findings/attribution.js';
import { matchVulnerabilities } from '../findings/match-report.js';
import { getScanReporter } from './registry.js';
import { renderVulnerabilitySection } from './table/vulnerabilities.js';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const store = advisoryStoreFromYaml(readFileSync(path.join(import.meta.dirname, '../matchers/__fixtures__/advisories.yaml'), 'utf8'), 'advisories.yaml');
const base = pkg('deb', 'libexample1', '1.2.3-1', {
  id: 'lib',
  purl: 'pkg:deb/debian/libexample1@1.2.3-1?arch=amd64&distro=debian-12',
  source: { name: 'example-src', version: '1.2.3-1' },
  locations: [{ path: '/var/lib/dpkg/status', layerDigest: 'sha256:l0', diffId: 'sha256:d0', layerIndex: 0 }],
});
const os = pkg('deb', 'python3-urllib3', '1.26.12-1', { id: 'os-u3', purl: 'pkg:deb/debian/python3-urllib3@1.26.12-1', source: { name: 'python-urllib3', version: '1.26.12-1' } });
const py = pkg('pypi', 'urllib3', '1.26.12', {
  id: 'py-u3',
  purl: 'pkg:pypi/urllib3@1.26.12',
  locations: [{ path: '/usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA', layerDigest: 'sha256:l1', diffId: 'sha256:d1', layerIndex: 1 }],
});
const inventory = report([base, os, py], distro('debian', '12'), [{ from: 'os-u3', to: 'py-u3', type: 'contains' }]);
const scanned: Report = { ...inventory, findings: matchVulnerabilities(inventory, store, { matchOsOwned: true }).findings };
const opts = { now: new Date('2025-01-01T00:00:00Z'), color: false };

describe('base-image attribution', () => {
  it('--base-layers wins; else the history CMD boundary; else a root file system layer; else unknown', () => {
    expect(attributeLayers(inventory, { baseLayers: 1 })).toEqual({ baseLayerCount: 1, method: '--base-layers' });
    const history = [
      { createdBy: '/bin/sh -c #(nop) ADD file:4b1be1de1a1e5aa608c688cad2824587262081866180d7368feb79d33ca05953 in / ', emptyLayer: false },
      { createdBy: '/bin/sh -c #(nop)  CMD ["bash"]', emptyLayer: true },
      { createdBy: 'RUN apt-get install -y example', emptyLayer: false },
      { createdBy: 'CMD ["app"]', emptyLayer: true },
    ];
    expect(attributeLayers(inventory, { history })).toEqual({ baseLayerCount: 1, method: 'history CMD boundary' });
    // layer 0 of the fixture report is `ADD rootfs.tar /`
    expect(attributeLayers(inventory)).toEqual({ baseLayerCount: 1, method: 'root file system layer' });
    const noBase = { image: { ...inventory.image!, layers: inventory.image!.layers.map((l) => ({ ...l, createdBy: 'RUN make' })) } };
    expect(attributeLayers(noBase)).toEqual({ baseLayerCount: null, method: null });
  });

  it('the table groups vulnerabilities by package with layer, build step and origin', () => {
    const text = renderVulnerabilitySection(scanned);
    expect(text).toMatch(/^Vulnerabilities: 6 \(/);
    expect(text).toContain('from the base image: 4, from own layers: 2');
    expect(text).toMatch(/libexample1 1\.2\.3-1 \(deb\)\s+layer 0 \[base image\]/);
    expect(text).toMatch(/urllib3 1\.26\.12 \(pypi\)\s+layer 1 \[own layer\]\s+\(files of OS package python3-urllib3\)/);
    expect(text).toContain('added by: RUN apt-get install -y example');
    // most urgent package first: libexample1 has a KEV entry
    expect(text.indexOf('libexample1')).toBeLessThan(text.indexOf('python3-urllib3'));
  });
});

describe('reporters with vulnerabilities', () => {
  it('cyclonedx-json carries vulnerabilities and validates against CycloneDX 1.6', async () => {
    const text = getScanReporter('cyclonedx-json')!.render(scanned, opts);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const bom = JSON.parse(text) as {
      vulnerabilities: { id: string; affects: { ref: string }[]; ratings: { score?: number }[] }[];
      components: { 'bom-ref': string; properties?: { name: string; value: string }[] }[];
    };
    const cve = bom.vulnerabilities.find((v) => v.id === 'CVE-2023-43804')!;
    expect(cve.affects.map((a) => a.ref).sort()).toEqual(['os-u3', 'py-u3']);
    expect(bom.vulnerabilities.find((v) => v.id === 'CVE-2024-1000')!.ratings.some((r) => r.score === 9.8)).toBe(true);
    const owned = bom.components.find((c) => c['bom-ref'] === 'py-u3')!;
    expect(owned.properties).toContainEqual({ name: 'sekisho:package:ownedBy', value: 'os-u3' });
  });

  it('SARIF of vulnerability findings validates against the SARIF 2.1.0 schema', () => {
    const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, './sarif/__fixtures__/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(getScanReporter('sarif')!.render(scanned, opts)) as { runs: { results: unknown[] }[] };
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0]!.results).toHaveLength(scanned.findings.length);
  });

  it('the table format shows the vulnerability section once', () => {
    const text = getScanReporter('table')!.render(scanned, opts);
    expect(text.match(/Vulnerabilities: 6/g)).toHaveLength(1);
    expect(text).not.toContain('Findings: 6');
  });
});

describe('junit', () => {
  const hostile: Report = { ...scanned, target: { ...scanned.target, reference: 'x"<&>\u0001y' } };
  const xml = getScanReporter('junit')!.render(hostile, opts);

  it('is well-formed: balanced elements, escaped text', () => {
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z]+)([^>]*?)(\/?)>/g)) {
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else if (m[4] !== '/') stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
    expect(xml).not.toMatch(/[\u0000-\u0008]/);
    expect(xml).toContain('name="sekisho x&quot;&lt;&amp;&gt;\uFFFDy"');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml.match(/<failure /g)).toHaveLength(6);
  });

  const python = spawnSync('python3', ['-c', 'import xml.dom.minidom'], { encoding: 'utf8' });
  it.skipIf(python.status !== 0)('parses with an XML parser (python xml.dom.minidom)', () => {
    const r = spawnSync(
      'python3',
      ['-c', 'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print(d.documentElement.getAttribute("tests"), len(d.getElementsByTagName("failure")))'],
      { input: xml, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('6 6');
  });

  it('a clean scan is one passing test case', () => {
    const clean = getScanReporter('junit')!.render({ ...scanned, findings: [] }, opts);
    expect(clean).toContain('failures="0"');
    expect(clean).toMatch(/<testcase [^>]*name="no findings"\/>/);
  });
});
