import type { Package, Report, VulnerabilityFinding } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { attributeLayers } from '../findings/attribution.js';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { recommendBaseImage } from './base-image.js';
import { renderRecommendationsMarkdown, renderRecommendationsText } from './render.js';
import { minimalUpgrades } from './upgrades.js';

function vuln(id: string, p: Package, severity: VulnerabilityFinding['severity'], fixed: string[] = []): VulnerabilityFinding {
  return {
    kind: 'vulnerability',
    id: `${id}-${p.name}`,
    ruleId: id,
    title: id,
    severity,
    description: '',
    location: null,
    createdBy: null,
    removedInLayer: null,
    foundBy: 'test',
    fix: null,
    references: [],
    vulnerabilityId: id,
    aliases: [],
    packageId: p.id,
    packageName: p.name,
    installedVersion: p.version,
    fixedVersions: fixed,
    status: fixed.length > 0 ? 'fixed' : 'not-fixed',
    packageType: p.type,
  };
}

const inLayer = (p: Package, layerIndex: number): Package => ({ ...p, locations: [{ ...p.locations[0]!, layerIndex }] });

const openssl = inLayer(pkg('deb', 'openssl', '3.0.11-1~deb12u2'), 0);
const zlib = inLayer(pkg('deb', 'zlib1g', '1:1.2.13.dfsg-1'), 0);
const lodash = inLayer(pkg('npm', 'lodash', '4.17.15'), 1);

const image: Report = {
  ...report([openssl, zlib, lodash], distro('debian', '12')),
  findings: [
    // two fixes on one package: the minimal bump is the larger of each finding's lowest fix above 3.0.11
    vuln('CVE-2024-0001', openssl, 'high', ['3.0.13-1~deb12u1']),
    vuln('CVE-2024-0002', openssl, 'critical', ['1.1.1w-0+deb11u1', '3.0.15-1~deb12u1', '3.0.16-1~deb12u1']),
    vuln('CVE-2024-0003', openssl, 'low'),
    vuln('CVE-2023-45853', zlib, 'critical'),
    // npm order, not string order: 4.17.9 < 4.17.19 < 4.17.21
    vuln('CVE-2020-8203', lodash, 'high', ['4.17.19']),
    vuln('CVE-2021-23337', lodash, 'high', ['4.17.21', '4.17.9']),
  ],
};

describe('minimalUpgrades', () => {
  const attribution = attributeLayers(image);
  const upgrades = minimalUpgrades(image, attribution);

  it('gives each package the smallest version that clears every finding with a fix, by the ecosystem order', () => {
    expect(upgrades.map((u) => `${u.name} ${u.installed} -> ${u.target}`)).toEqual(['openssl 3.0.11-1~deb12u2 -> 3.0.15-1~deb12u1', 'lodash 4.17.15 -> 4.17.21']);
  });

  it('says what it clears (worst first), what stays without a fix, and whether the package came with the base image', () => {
    const o = upgrades[0]!;
    expect(o).toMatchObject({ clears: ['CVE-2024-0002', 'CVE-2024-0001'], remaining: ['CVE-2024-0003'], severity: 'critical', origin: 'base', layer: 0 });
    expect(upgrades[1]).toMatchObject({ clears: ['CVE-2020-8203', 'CVE-2021-23337'], remaining: [], origin: 'own' });
  });

  it('leaves out packages no version fixes (zlib): there is nothing to bump to', () => {
    expect(upgrades.some((u) => u.name === 'zlib1g')).toBe(false);
  });
});

describe('recommendBaseImage', () => {
  const attribution = attributeLayers(image);
  const candidate = (reference: string, findings: VulnerabilityFinding[], complete = true): { reference: string; report: Report } => ({
    reference,
    report: {
      ...report([openssl, zlib]),
      target: { ...report([]).target, reference, manifestDigest: `sha256:${reference.length}` },
      findings,
      unknowns: complete ? [] : [{ location: { path: '/x', layerDigest: null, diffId: null, layerIndex: 0 }, foundBy: 'test', reason: 'unreadable' }],
    },
  });
  const newer = { ...openssl, version: '3.0.15-1~deb12u1' };

  it('ranks newer base images by what they fix of the inherited vulnerabilities, net of what they bring, weighted by severity', () => {
    const r = recommendBaseImage(image, attribution, [
      candidate('debian:12.7', [vuln('CVE-2024-0002', openssl, 'critical'), vuln('CVE-2024-0003', openssl, 'low'), vuln('CVE-2023-45853', zlib, 'critical')]),
      candidate('debian:12.9', [vuln('CVE-2024-0003', newer, 'low'), vuln('CVE-2023-45853', zlib, 'critical'), vuln('CVE-2025-0100', zlib, 'medium')]),
    ]);
    expect(r).toMatchObject({ baseLayerCount: 1, currentVulnerabilities: 4 });
    expect(r.options.map((o) => [o.reference, o.fixes, o.introduces, o.remaining])).toEqual([
      ['debian:12.9', 2, 1, 2],
      ['debian:12.7', 1, 0, 3],
    ]);
    expect(r.options[0]?.fixesBySeverity).toEqual({ critical: 1, high: 1 });
    expect(r.best?.reference).toBe('debian:12.9');
  });

  it('never recommends a candidate whose scan was incomplete, nor one that brings as much as it fixes', () => {
    const r = recommendBaseImage(image, attribution, [
      candidate('debian:13-partial', [], false),
      // fixes a high and a critical, brings a high and a critical
      candidate('debian:12.8', [vuln('CVE-2024-0002', openssl, 'critical'), vuln('CVE-2024-0003', openssl, 'low'), vuln('CVE-2025-0200', zlib, 'high'), vuln('CVE-2025-0201', zlib, 'critical')]),
    ]);
    expect(r.options.find((o) => o.reference === 'debian:13-partial')).toMatchObject({ incomplete: true, fixes: 4 });
    expect(r.options.find((o) => o.reference === 'debian:12.8')).toMatchObject({ fixes: 2, introduces: 2, score: 0 });
    expect(r.best).toBeNull();
  });

  it('renders text and markdown with the best base and each upgrade', () => {
    const r = {
      schema: 'sekisho.recommendations/v1' as const,
      reference: 'app:1',
      upgrades: minimalUpgrades(image, attribution),
      baseImage: recommendBaseImage(image, attribution, [candidate('debian:12.9', [])]),
    };
    expect(renderRecommendationsText(r)).toContain('openssl 3.0.11-1~deb12u2 -> 3.0.15-1~deb12u1  clears 2 (critical); 1 without a fix stay  [base image]');
    expect(renderRecommendationsText(r)).toContain('Best: rebuild on debian:12.9@sha256:11');
    expect(renderRecommendationsMarkdown(r)).toContain('| lodash | 4.17.15 | 4.17.21 | 2 | high | 0 | own layer |');
  });
});
