export type EolStatus = 'supported' | 'eol' | 'unknown';

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
  readonly eol: { readonly status: EolStatus; readonly date: string | null };
  /** File that identified the OS. */
  readonly foundIn: string;
}
