import type { ExceptionNote, Finding, Report } from '@sekisho/model';
import { normalizeId } from '../findings/aliases.js';
import { isExpired } from '../findings/exceptions.js';
import { purlMatches } from '../sbom-input/purl-match.js';
import type { PolicyException } from './schema.js';
import { imageNames, namesMatch } from './subject.js';

/** The policy's exceptions for one evaluation: which are in force, which expired, and what each excused. */
export class ExceptionBook {
  readonly #inForce: { readonly exception: PolicyException; matched: number }[] = [];
  readonly #expired: PolicyException[] = [];

  constructor(exceptions: readonly PolicyException[], report: Report, environment: string, now: Date) {
    const names = imageNames(report.target);
    for (const e of exceptions) {
      if (e.environments !== undefined && !e.environments.includes(environment)) continue;
      if (e.images !== undefined && !namesMatch(names, e.images)) continue;
      if (isExpired(e, now)) this.#expired.push(e);
      else this.#inForce.push({ exception: e, matched: 0 });
    }
  }

  /** Whether an exception in force excuses this finding (counted once per exception that matches). */
  excuses(finding: Finding): boolean {
    let excused = false;
    for (const entry of this.#inForce) {
      if (entry.exception.id === undefined || !matchesFinding(entry.exception, finding)) continue;
      entry.matched++;
      excused = true;
    }
    return excused;
  }

  /** Whether an exception in force waives a whole policy rule. */
  waives(ruleId: string): boolean {
    let waived = false;
    for (const entry of this.#inForce) {
      if (entry.exception.rule !== ruleId) continue;
      entry.matched++;
      waived = true;
    }
    return waived;
  }

  notes(): { applied: ExceptionNote[]; expired: ExceptionNote[] } {
    return {
      applied: this.#inForce.filter((e) => e.matched > 0).map((e) => note(e.exception, e.matched)),
      expired: this.#expired.map((e) => note(e, 0)),
    };
  }
}

function matchesFinding(e: PolicyException, f: Finding): boolean {
  const id = e.id ?? '';
  if (f.kind === 'vulnerability') {
    const wanted = normalizeId(id);
    if (![f.vulnerabilityId, ...f.aliases].some((a) => normalizeId(a) === wanted) && id !== f.id) return false;
    if (e.purl !== undefined && (f.purl === undefined || !purlMatches(e.purl, f.purl))) return false;
    if (e.package !== undefined && f.packageName !== e.package) return false;
    return true;
  }
  if (e.purl !== undefined || e.package !== undefined) return false;
  return id === f.ruleId || id === f.id;
}

function note(e: PolicyException, matched: number): ExceptionNote {
  return { id: e.id ?? `rule:${e.rule ?? ''}`, owner: e.owner, reason: e.reason, expires: e.expires, matched };
}
