/**
 * Approved exceptions from the store, in the policy file's shape, so core's evaluation and
 * exception matching (`ExceptionBook`) apply them exactly as they apply a policy file's own.
 */
import type { PolicyException } from '@sekisho/core';
import type { ExceptionRecord, Report, ScanTarget } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';
import type { Repository } from '../repository/types.js';
import { readAll } from './pages.js';

const MAX_EXCEPTIONS = 100_000;

export async function approvedExceptions(repository: Repository): Promise<PolicyException[]> {
  const records = await readAll((page) => repository.listExceptions({ state: 'approved' }, page), MAX_EXCEPTIONS, 'approved exceptions');
  return records.map(toPolicyException);
}

export function toPolicyException(e: ExceptionRecord): PolicyException {
  const m = e.match;
  return {
    ...(m.id === undefined ? {} : { id: m.id }),
    ...(m.rule === undefined ? {} : { rule: m.rule }),
    ...(m.purl === undefined ? {} : { purl: m.purl }),
    ...(m.package === undefined ? {} : { package: m.package }),
    ...(m.images === undefined ? {} : { images: [...m.images] }),
    ...(m.environments === undefined ? {} : { environments: [...m.environments] }),
    owner: e.owner,
    reason: e.reason,
    expires: e.expires,
    ...(e.approvedBy === null ? {} : { approvedBy: e.approvedBy }),
  };
}

/** A report that carries only an image's names: what exception scoping (`images`) reads. */
export function namesOnlyReport(digest: string, repositories: readonly string[]): Report {
  const target: ScanTarget = {
    reference: repositories[0] === undefined ? digest : `${repositories[0]}@${digest}`,
    sourceType: 'registry',
    manifestDigest: digest,
    configDigest: null,
    platform: null,
    repoTags: repositories.slice(1),
  };
  return { schema: REPORT_SCHEMA, tool: { name: 'sekisho', version: '0' }, target, image: null, distro: null, packages: [], relationships: [], findings: [], unknowns: [], notChecked: [] };
}
