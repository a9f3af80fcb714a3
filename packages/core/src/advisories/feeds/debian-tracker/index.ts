import { DEBIAN_CODENAMES } from '../../namespaces.js';
import type { AffectedPackage, Advisory, VendorStatus } from '../../types.js';
import { errorMessage, type FeedImporter } from '../types.js';
import { jsonMembers } from '../util/json-members.js';
import { severityFromWord } from '../util/severity-words.js';

/**
 * The Debian security tracker's JSON export (https://security-tracker.debian.org/tracker/data/json):
 * `{ <source package>: { <CVE or TEMP id>: { description, releases: { <codename>: { status,
 * fixed_version, urgency, nodsa, nodsa_reason, repositories } } } } }`. Read one source package at a
 * time. See readme.md for the status mapping.
 */
export const SOURCE_ID = 'debian-tracker';
const MAX_PACKAGE_CHARS = 64 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function releaseNamespace(codename: string): string {
  return `debian:${DEBIAN_CODENAMES[codename] ?? codename}`;
}

/** One release entry → the affected package for that release. */
export function trackerAffected(srcpkg: string, codename: string, entry: Json): AffectedPackage {
  const status = typeof entry['status'] === 'string' ? entry['status'] : '';
  const fixed = typeof entry['fixed_version'] === 'string' ? entry['fixed_version'] : null;
  const urgency = typeof entry['urgency'] === 'string' ? entry['urgency'] : null;
  const nodsaReason = typeof entry['nodsa_reason'] === 'string' ? entry['nodsa_reason'] : null;
  let vendorStatus: VendorStatus;
  let ranges: AffectedPackage['ranges'] = [];
  let fixedVersions: string[] = [];
  if (status === 'resolved' && fixed === '0') {
    vendorStatus = 'not-affected';
  } else if (status === 'resolved' && fixed !== null) {
    vendorStatus = 'fixed';
    ranges = [{ scheme: 'deb', events: [{ introduced: '0' }, { fixed }] }];
    fixedVersions = [fixed];
  } else {
    // open or undetermined: every version in the release is affected until a fix is stated.
    ranges = [{ scheme: 'deb', events: [{ introduced: '0' }] }];
    if (urgency === 'end-of-life') vendorStatus = 'end-of-life';
    else if (status === 'undetermined') vendorStatus = 'unknown';
    else if (nodsaReason === 'ignored') vendorStatus = 'wont-fix';
    else vendorStatus = 'not-fixed';
  }
  return {
    namespace: releaseNamespace(codename),
    packageName: srcpkg,
    ranges,
    versions: [],
    fixedVersions,
    status: vendorStatus,
    vendorSeverity: urgency === 'end-of-life' ? null : severityFromWord(urgency),
  };
}

export function trackerAdvisory(srcpkg: string, id: string, record: unknown): Advisory {
  if (!isObject(record)) throw new Error('not an object');
  const releases = record['releases'];
  if (!isObject(releases)) throw new Error('no releases');
  const affected: AffectedPackage[] = [];
  for (const [codename, entry] of Object.entries(releases)) {
    if (isObject(entry)) affected.push(trackerAffected(srcpkg, codename, entry));
  }
  const aliases: string[] = [];
  const description = typeof record['description'] === 'string' ? record['description'] : '';
  return {
    id,
    aliases,
    summary: description,
    details: '',
    published: null,
    modified: null,
    withdrawn: null,
    severity: [],
    references: [`https://security-tracker.debian.org/tracker/${encodeURIComponent(id)}`],
    affected,
    source: SOURCE_ID,
  };
}

export const debianTrackerImporter: FeedImporter = {
  id: SOURCE_ID,
  version: 1,
  detect(file) {
    return /\.json(\.gz)?$/i.test(file.relative) && /^\s*\{\s*"[^"]{1,200}"\s*:\s*\{\s*"(CVE|TEMP)-[^"]*"\s*:\s*\{/.test(file.head);
  },
  async *parse(file, context) {
    for await (const member of jsonMembers(file.chunks(), [], { maxMemberChars: MAX_PACKAGE_CHARS })) {
      const srcpkg = member.key ?? '';
      let cves: unknown;
      try {
        cves = JSON.parse(member.text);
      } catch (error) {
        context.skip(SOURCE_ID, `${file.relative}: ${srcpkg}`, errorMessage(error));
        continue;
      }
      if (!isObject(cves)) {
        context.skip(SOURCE_ID, `${file.relative}: ${srcpkg}`, 'not an object');
        continue;
      }
      for (const [id, record] of Object.entries(cves)) {
        try {
          yield { kind: 'advisory', advisory: trackerAdvisory(srcpkg, id, record) };
        } catch (error) {
          context.skip(SOURCE_ID, `${file.relative}: ${srcpkg}/${id}`, errorMessage(error));
        }
      }
    }
  },
};
