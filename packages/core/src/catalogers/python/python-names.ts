import { purl } from '../lang-common/output.js';

/** PEP 503 normalization: lowercase, runs of `-`, `_`, `.` become one `-` (https://peps.python.org/pep-0503/#normalized-names). */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

export function pypiPurl(name: string, version: string, qualifiers?: Readonly<Record<string, string>>): string | null {
  return purl('pypi', null, normalizePythonName(name), version, qualifiers);
}

/** The distribution name at the start of a PEP 508 requirement (`requests[socks] >= 2 ; ...` → `requests`). */
export function requirementName(requirement: string): string | null {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement.slice(0, 512));
  return match ? normalizePythonName(match[1]!) : null;
}
