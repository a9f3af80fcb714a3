export type EolStatus = 'supported' | 'eol' | 'unknown';

/** `regular` security support, an `extended` programme (Debian LTS, Ubuntu ESM), or past every phase. */
export type SupportPhase = 'regular' | 'extended' | 'eol' | 'unknown';

export interface DistroSupport {
  /** `supported` while any phase lasts. */
  readonly status: EolStatus;
  /** End of regular security support. */
  readonly date: string | null;
  readonly phase: SupportPhase;
  /** When the current phase ends; null past every phase or when unknown. */
  readonly phaseEnds: string | null;
  /** The extended programme's name (e.g. `Debian LTS`), when the release has one. */
  readonly extendedName: string | null;
}

/** The operating system of an image, as read from os-release and friends. */
export interface Distro {
  /** Normalized id: debian, ubuntu, alpine, rhel, rocky, almalinux, centos, fedora, amzn, sles, opensuse-leap, wolfi, chainguard, … */
  readonly id: string;
  /** VERSION_ID, e.g. `12`, `3.20.3`, `2023`. Empty when unknown (e.g. Debian sid). */
  readonly versionId: string;
  /** Release codename when known (bookworm, jammy). */
  readonly codename: string | null;
  /** PRETTY_NAME or a name built from id and version. */
  readonly prettyName: string;
  /** ID_LIKE chain, e.g. `["rhel", "fedora"]`. */
  readonly idLike: readonly string[];
  /** True for distroless-style images (dpkg `status.d/` without a package manager). */
  readonly distroless: boolean;
  readonly eol: DistroSupport;
  /** File that identified the OS. */
  readonly foundIn: string;
}
