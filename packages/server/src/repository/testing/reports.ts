/** Small reports for the repository tests: only the fields the store reads carry meaning. */
import { REPORT_SCHEMA } from '@sekisho/model';
import type { Finding, Package, Report, SecretFinding, Severity, VulnerabilityFinding } from '@sekisho/model';

export function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, '0')}`;
}

export function pkg(name: string, version: string): Package {
  return {
    id: `pkg-${name}-${version}`,
    name,
    version,
    type: 'deb',
    purl: `pkg:deb/debian/${name}@${version}`,
    cpes: [],
    licenses: [],
    locations: [{ path: '/var/lib/dpkg/status', layerDigest: null, diffId: null, layerIndex: 0 }],
    foundBy: 'dpkg-db-cataloger',
    evidence: 'installed',
    source: null,
    metadata: null,
  };
}

export interface VulnSpec {
  readonly cve: string;
  readonly pkg: string;
  readonly version?: string;
  readonly severity?: Severity;
  readonly fixed?: boolean;
  readonly kev?: boolean;
}

export function vuln(spec: VulnSpec): VulnerabilityFinding {
  const version = spec.version ?? '1.0';
  return {
    kind: 'vulnerability',
    id: `v-${spec.cve}-${spec.pkg}-${version}`,
    ruleId: spec.cve,
    title: `${spec.cve} in ${spec.pkg}`,
    severity: spec.severity ?? 'medium',
    description: 'test',
    location: { path: '/var/lib/dpkg/status', layerDigest: null, diffId: null, layerIndex: 0 },
    createdBy: null,
    removedInLayer: null,
    foundBy: 'distro-matcher',
    fix: spec.fixed === true ? `upgrade ${spec.pkg}` : null,
    references: [],
    vulnerabilityId: spec.cve,
    aliases: [],
    packageId: `pkg-${spec.pkg}-${version}`,
    packageName: spec.pkg,
    installedVersion: version,
    fixedVersions: spec.fixed === true ? ['9.9'] : [],
    status: spec.fixed === true ? 'fixed' : 'not-fixed',
    packageType: 'deb',
    kev: spec.kev === true ? { dateAdded: '2024-01-01', dueDate: null, ransomware: false } : null,
  };
}

export function secret(path: string, match: string): SecretFinding {
  return {
    kind: 'secret',
    id: `s-${path}`,
    ruleId: 'aws-access-key-id',
    title: 'AWS access key',
    severity: 'critical',
    description: `found ${match} in ${path}`,
    location: { path, layerDigest: null, diffId: null, layerIndex: 1 },
    createdBy: null,
    removedInLayer: null,
    foundBy: 'secrets-analyzer',
    fix: 'remove the key and rotate it',
    references: [],
    match,
    line: 1,
  };
}

export interface ReportSpec {
  readonly digest: string;
  /** A registry reference such as `registry.example/team/app:1.0`. */
  readonly reference?: string;
  readonly findings?: readonly Finding[];
  readonly packages?: readonly Package[];
  readonly scanners?: readonly string[];
  readonly notChecked?: Report['notChecked'];
  readonly env?: readonly string[];
}

export function report(spec: ReportSpec): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: '0.0.0-test' },
    target: {
      reference: spec.reference ?? 'registry.example/team/app:latest',
      sourceType: 'registry',
      manifestDigest: spec.digest,
      configDigest: null,
      platform: { os: 'linux', architecture: 'amd64', variant: null },
      repoTags: [],
    },
    image: {
      layers: [],
      config: {
        user: null,
        env: [...(spec.env ?? [])],
        entrypoint: [],
        cmd: [],
        workingDir: null,
        exposedPorts: [],
        labels: {},
        healthcheck: null,
        created: null,
      },
      size: 1234,
    },
    distro: null,
    packages: [...(spec.packages ?? [pkg('openssl', '3.0.1')])],
    relationships: [],
    findings: [...(spec.findings ?? [])],
    unknowns: [],
    notChecked: [...(spec.notChecked ?? [])],
    scanners: [...(spec.scanners ?? ['vuln', 'secret', 'malware', 'hardening', 'config', 'supply-chain'])],
  };
}
