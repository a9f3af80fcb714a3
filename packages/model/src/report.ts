import type { Distro } from './distro.js';
import type { Finding } from './finding.js';
import type { LayerInfo } from './location.js';
import type { Package, Relationship, Unknown } from './package.js';

export type SourceType = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'rootfs' | 'registry' | 'sbom';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string | null;
}

/** Facts from the image config that later checks need (user, ports, env, healthcheck…). */
export interface ImageConfigFacts {
  readonly user: string | null;
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string | null;
  readonly exposedPorts: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly healthcheck: readonly string[] | null;
  readonly created: string | null;
}

export interface ScanTarget {
  /** What the user asked for, as written. */
  readonly reference: string;
  readonly sourceType: SourceType;
  /** Digest of the manifest the scan resolved to, or null (root-fs directory). */
  readonly manifestDigest: string | null;
  readonly configDigest: string | null;
  readonly platform: Platform | null;
  readonly repoTags: readonly string[];
}

export interface ImageFacts {
  readonly layers: readonly LayerInfo[];
  readonly config: ImageConfigFacts;
  /** Sum of compressed layer sizes. */
  readonly size: number | null;
}

export const REPORT_SCHEMA = 'sekisho.report/v1' as const;

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly tool: { readonly name: 'sekisho'; readonly version: string };
  readonly target: ScanTarget;
  readonly image: ImageFacts | null;
  readonly distro: Distro | null;
  /** Sorted by type, name, version, id. */
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  readonly findings: readonly Finding[];
  readonly unknowns: readonly Unknown[];
}
