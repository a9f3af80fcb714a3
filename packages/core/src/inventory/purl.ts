import type { Distro, OsPackageType } from '@sekisho/model';
import { purlText } from '../util/package-url.js';
import type { CatalogedPackage } from '../catalogers/types.js';

/** purl namespace per distribution (purl-spec types deb, rpm, apk; rpm uses vendor names). */
function namespaceFor(type: OsPackageType, distro: Distro | null): string {
  const id = distro?.id ?? '';
  if (type === 'rpm') {
    const vendors: Record<string, string> = {
      rhel: 'redhat',
      centos: 'centos',
      rocky: 'rocky',
      almalinux: 'almalinux',
      fedora: 'fedora',
      amzn: 'amazon',
      ol: 'oracle',
      sles: 'suse',
      'opensuse-leap': 'opensuse',
    };
    // Without a known distribution there is no vendor to name: no namespace, as Syft writes it.
    return vendors[id] ?? id;
  }
  return id;
}

/**
 * purl of an OS package, once the distribution is known:
 * `pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12`.
 */
export function osPackagePurl(pkg: CatalogedPackage, type: OsPackageType, distro: Distro | null): string {
  // Without a known distribution a deb, apk or alpm purl would have to guess its namespace: none
  // is written, as Syft writes none (an rpm purl names no vendor instead).
  if (distro === null && (type === 'deb' || type === 'apk' || type === 'alpm')) return '';
  // Gentoo's purl (`pkg:ebuild/category%2Fname@version`) names no distribution: the cataloger writes it.
  if (type === 'portage') return pkg.purl ?? '';
  const qualifiers: Record<string, string> = {};
  const metadata = pkg.metadata;
  let version = pkg.version;
  if (metadata && 'architecture' in metadata && metadata.architecture) qualifiers['arch'] = metadata.architecture;
  if (metadata?.type === 'rpm-db-entry') {
    version = `${metadata.version}-${metadata.release}`;
    if (metadata.epoch !== null && metadata.epoch > 0) qualifiers['epoch'] = String(metadata.epoch);
    if (metadata.sourceRpm) qualifiers['upstream'] = metadata.sourceRpm;
  } else if (metadata?.type === 'alpm-db-entry') {
    // Syft states the package base as `upstream` whenever the record has one.
    if (metadata.basePackage !== null) qualifiers['upstream'] = metadata.basePackage;
  } else if (pkg.source && pkg.source.name !== pkg.name) {
    qualifiers['upstream'] = pkg.source.version !== pkg.version ? `${pkg.source.name}@${pkg.source.version}` : pkg.source.name;
  }
  if (distro !== null && distro.versionId !== '') qualifiers['distro'] = `${distro.id}-${distro.versionId}`;
  else if (distro !== null && distro.codename) qualifiers['distro'] = `${distro.id}-${distro.codename}`;
  else if (distro !== null && type === 'alpm') qualifiers['distro'] = distro.id;
  return purlText(type, namespaceFor(type, distro) || undefined, pkg.name, version, qualifiers, undefined);
}
