import type { PackageEvidence } from '@sekisho/model';
import type { CatalogedPackage } from '../types.js';
import { sourceOf } from './source-rpm.js';

/** What an rpm record states about one package: the rpmdb's headers, a package file's header, Mariner's manifest lines. */
export interface RpmRecord {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  readonly epoch: number | null;
  readonly arch: string | null;
  readonly vendor: string | null;
  readonly sourceRpm: string | null;
  readonly license: string | null;
  readonly modularityLabel: string | null;
}

/** `[epoch:]version-release`, the version rpm orders by (epoch 0 is not written). */
export function rpmEvr(record: Pick<RpmRecord, 'epoch' | 'version' | 'release'>): string {
  return `${record.epoch !== null && record.epoch > 0 ? `${record.epoch}:` : ''}${record.version}-${record.release}`;
}

/** The cataloged package of an rpm record found at `path`; `files` only for what is installed. */
export function rpmPackage(record: RpmRecord, path: string, evidence: PackageEvidence, ref: string, files?: readonly string[]): CatalogedPackage {
  return {
    ref,
    name: record.name,
    version: rpmEvr(record),
    type: 'rpm',
    purl: null,
    licenses: record.license ? [record.license] : [],
    evidence,
    source: sourceOf(record.sourceRpm),
    metadata: {
      type: 'rpm-db-entry',
      epoch: record.epoch,
      version: record.version,
      release: record.release,
      architecture: record.arch,
      vendor: record.vendor,
      sourceRpm: record.sourceRpm,
      modularityLabel: record.modularityLabel,
    },
    paths: [path],
    ...(files === undefined ? {} : { files }),
  };
}
