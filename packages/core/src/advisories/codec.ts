import type { AffectedPackage, Advisory } from './types.js';

/**
 * Compact JSON for stored records: fields at their default (empty string, null, empty list) are
 * left out when writing and restored when reading. A third of a small distro record is such
 * defaults, and a smaller text also parses faster.
 */
const ADVISORY_DEFAULTS = {
  aliases: [],
  summary: '',
  details: '',
  published: null,
  modified: null,
  withdrawn: null,
  severity: [],
  references: [],
} as const;

const AFFECTED_DEFAULTS = { ranges: [], versions: [], fixedVersions: [], vendorSeverity: null } as const;

function isDefault(value: unknown): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function compact(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (!isDefault(field)) out[key] = field;
  return out;
}

/** The advisory without `affected` (stored per affected row), defaults left out. */
export function encodeAdvisoryBody(advisory: Advisory): string {
  const { affected: _affected, ...rest } = advisory;
  return JSON.stringify(compact(rest));
}

export function decodeAdvisoryBody(text: string): Omit<Advisory, 'affected'> {
  return { ...ADVISORY_DEFAULTS, ...(JSON.parse(text) as Partial<Advisory>) } as Omit<Advisory, 'affected'>;
}

/** An affected entry without namespace and package name: the row's key columns hold them. */
export function encodeAffected(affected: AffectedPackage): string {
  const { namespace: _namespace, packageName: _packageName, ...rest } = affected;
  return JSON.stringify(compact(rest));
}

export function decodeAffected(text: string, namespace: string, packageName: string): AffectedPackage {
  return { namespace, packageName, ...AFFECTED_DEFAULTS, ...(JSON.parse(text) as Partial<AffectedPackage>) } as AffectedPackage;
}
