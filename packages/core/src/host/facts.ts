import { z } from 'zod';
import type { HostFacts } from '../checks/isolation/profile.js';
import { SekishoError } from '../errors.js';
import { compareVersions } from '../kernel-catalog/versions.js';
import { PARSE_ONCE } from '../util/parse-once.js';

/**
 * What a host audit learned about the machine, as `sekisho host --facts-out` writes it and
 * `sekisho config --host-facts` reads it back. `null` always means "could not be read or
 * judged", never "off".
 */
export const HOST_FACTS_SCHEMA = 'sekisho.host-facts/v1' as const;

export const RUNTIME_COMPONENTS = ['runc', 'crun', 'containerd', 'cri-o', 'docker-engine', 'gvisor', 'kata'] as const;
export type RuntimeComponent = (typeof RUNTIME_COMPONENTS)[number];

/** Where a version was read. */
export type VersionSource = 'dpkg' | 'rpm' | 'go-buildinfo' | 'binary-string';

export interface RuntimeFact {
  readonly component: RuntimeComponent;
  /** Upstream version (`1.1.12`, `1.0.0-rc.93`), without epoch or packaging suffix. */
  readonly version: string;
  /** As written in the source (`1.1.12+ds1-1`, `v1.7.13`). */
  readonly rawVersion: string;
  readonly source: VersionSource;
  /** The file it was read from (package database or binary). */
  readonly file: string;
  /** True for builds of a distribution (Debian, Ubuntu, RHEL…), which backport fixes without changing the upstream version. */
  readonly distroBuild: boolean;
}

export interface KernelFacts {
  /** `uname -r` as the kernel states it, e.g. `6.1.0-18-amd64`. */
  readonly release: string;
  /** The upstream version part, e.g. `6.1.0`. */
  readonly upstream: string;
  /** True when the release carries a vendor suffix: the distribution may have backported fixes. */
  readonly distroBuild: boolean;
  readonly source: string;
}

export interface OsFacts {
  readonly id: string;
  readonly versionId: string;
  readonly prettyName: string;
  readonly supportStatus: 'supported' | 'eol' | 'unknown';
  readonly supportPhase: 'regular' | 'extended' | 'eol' | 'unknown';
  /** End of regular security support. */
  readonly eolDate: string | null;
  readonly phaseEnds: string | null;
  readonly source: string;
}

export interface HostFactsDocument {
  readonly schema: typeof HOST_FACTS_SCHEMA;
  readonly tool: { readonly name: 'sekisho'; readonly version: string };
  /** The audited root as given (`/`, `/host`). */
  readonly root: string;
  /** The host's name from its /etc/hostname (this machine: the kernel's), or null. */
  readonly hostname: string | null;
  readonly kernel: KernelFacts | null;
  readonly os: OsFacts | null;
  /** Sysctls that could be read, dotted names (`kernel.kptr_restrict`) → value as the kernel prints it. */
  readonly sysctls: Readonly<Record<string, string>>;
  /** Active LSMs in load order (`/sys/kernel/security/lsm`), or null when unreadable. */
  readonly lsms: readonly string[] | null;
  readonly appArmorEnabled: boolean | null;
  readonly selinux: 'enforcing' | 'permissive' | 'disabled' | null;
  readonly seccompSupported: boolean | null;
  readonly cgroupVersion: 1 | 2 | null;
  readonly userNamespaces: { readonly supported: boolean | null; readonly unprivileged: boolean | null };
  readonly runtimes: readonly RuntimeFact[];
  /** Kubelet `seccompDefault` (RuntimeDefault for pods that set no profile), when a kubelet is configured. */
  readonly kubeletSeccompDefault: boolean | null;
  /** Docker daemon `userns-remap` in effect, when a Docker daemon is configured. */
  readonly dockerUsernsRemap: boolean | null;
}

const version = z.string().min(1).max(128);
const runtimeFact = z
  .object({
    component: z.enum(RUNTIME_COMPONENTS),
    version,
    rawVersion: z.string().max(256),
    source: z.enum(['dpkg', 'rpm', 'go-buildinfo', 'binary-string']),
    file: z.string().max(4096),
    distroBuild: z.boolean(),
  })
  .strict();

export const hostFactsSchema = z
  .object({
    schema: z.literal(HOST_FACTS_SCHEMA),
    tool: z.object({ name: z.literal('sekisho'), version: z.string().max(64) }).strict(),
    root: z.string().max(4096),
    hostname: z.string().max(253).nullable(),
    kernel: z
      .object({ release: version, upstream: version, distroBuild: z.boolean(), source: z.string().max(4096) })
      .strict()
      .nullable(),
    os: z
      .object({
        id: z.string().max(64),
        versionId: z.string().max(64),
        prettyName: z.string().max(512),
        supportStatus: z.enum(['supported', 'eol', 'unknown']),
        supportPhase: z.enum(['regular', 'extended', 'eol', 'unknown']),
        eolDate: z.string().max(32).nullable(),
        phaseEnds: z.string().max(32).nullable(),
        source: z.string().max(4096),
      })
      .strict()
      .nullable(),
    sysctls: z.record(z.string().max(128), z.string().max(4096)).refine((r) => Object.keys(r).length <= 200, 'at most 200 sysctls'),
    lsms: z.array(z.string().max(64)).max(32).nullable(),
    appArmorEnabled: z.boolean().nullable(),
    selinux: z.enum(['enforcing', 'permissive', 'disabled']).nullable(),
    seccompSupported: z.boolean().nullable(),
    cgroupVersion: z.union([z.literal(1), z.literal(2)]).nullable(),
    userNamespaces: z.object({ supported: z.boolean().nullable(), unprivileged: z.boolean().nullable() }).strict(),
    runtimes: z.array(runtimeFact).max(100),
    kubeletSeccompDefault: z.boolean().nullable(),
    dockerUsernsRemap: z.boolean().nullable(),
  })
  .strict();

const MAX_FACTS_BYTES = 1024 * 1024;

/** Parses a facts file (`--host-facts`); anything malformed is CONFIG_INVALID (exit 8), never half-read. */
export function parseHostFactsDocument(bytes: Uint8Array, file: string): HostFactsDocument {
  if (bytes.byteLength > MAX_FACTS_BYTES) throw new SekishoError('LIMIT_JSON_SIZE', `host facts file is larger than ${MAX_FACTS_BYTES} bytes`, { where: { file } });
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `host facts file is not JSON: ${(error as Error).message}`, { where: { file }, cause: error });
  }
  const parsed = hostFactsSchema.safeParse(json, PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SekishoError('CONFIG_INVALID', `host facts file is not a ${HOST_FACTS_SCHEMA} document: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}`, {
      where: { file },
    });
  }
  return parsed.data;
}

/**
 * The oldest version of a component among those found: when a host carries two runc binaries
 * (Docker's and the distribution's), the breakout analysis must assume the weaker one.
 */
function oldestVersion(doc: HostFactsDocument, component: RuntimeComponent): string | undefined {
  const versions = doc.runtimes.filter((r) => r.component === component).map((r) => r.version);
  return versions.sort(compareVersions)[0];
}

/**
 * The facts the breakout analysis of `sekisho config` reads. Only facts that were actually read
 * are passed on; everything else stays unknown there.
 */
export function isolationHostFacts(doc: HostFactsDocument): HostFacts {
  const runc = oldestVersion(doc, 'runc');
  const containerd = oldestVersion(doc, 'containerd');
  const unprivileged = doc.userNamespaces.unprivileged;
  return {
    ...(doc.kernel === null ? {} : { kernelVersion: doc.kernel.upstream }),
    ...(runc === undefined ? {} : { runcVersion: runc }),
    ...(containerd === undefined ? {} : { containerdVersion: containerd }),
    ...(doc.cgroupVersion === null ? {} : { cgroupVersion: doc.cgroupVersion }),
    ...(doc.appArmorEnabled === null ? {} : { appArmorEnabled: doc.appArmorEnabled }),
    ...(doc.selinux === null ? {} : { selinuxEnforcing: doc.selinux === 'enforcing' }),
    ...(unprivileged === null ? {} : { unprivilegedUserNamespaces: unprivileged }),
    ...(doc.kubeletSeccompDefault === null ? {} : { kubeletSeccompDefault: doc.kubeletSeccompDefault }),
    ...(doc.dockerUsernsRemap === null ? {} : { dockerUsernsRemap: doc.dockerUsernsRemap }),
  };
}
