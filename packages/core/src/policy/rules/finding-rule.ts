import type { Finding, RuleEvidence } from '@sekisho/model';
import type { RuleContext, RuleVerdict } from './types.js';

/** Evidence for one finding, in words a reader can act on. */
export function findingEvidence(finding: Finding): RuleEvidence {
  const where = finding.location?.path ?? null;
  let text: string;
  switch (finding.kind) {
    case 'vulnerability':
      text = `${finding.vulnerabilityId} in ${finding.packageName} ${finding.installedVersion} (${finding.severity}${finding.kev ? ', known exploited' : ''}${finding.fixedVersions.length > 0 ? `, fixed in ${finding.fixedVersions[0] ?? ''}` : ', no fix yet'})`;
      break;
    case 'misconfiguration':
      text = `${finding.ruleId} ${finding.title} (${finding.target.file}${finding.target.name === null ? '' : ` ${finding.target.kind ?? ''}/${finding.target.name}`}${finding.target.container === null ? '' : ` container ${finding.target.container}`})`;
      break;
    default:
      text = `${finding.ruleId} ${finding.title}${where === null ? '' : ` at ${where}`}${finding.removedInLayer === null ? '' : ` (removed in layer ${finding.removedInLayer}, still in the image)`}`;
  }
  return { ref: finding.id, text, severity: finding.severity, fix: finding.fix };
}

/**
 * Judge a rule that counts findings: those `selects` accepts, less the excepted ones; the rule is
 * violated when more than `maxCount` remain.
 */
export function countFindings(ctx: RuleContext, selects: (f: Finding) => boolean, what: string, maxCount = 0): RuleVerdict {
  const counted: Finding[] = [];
  let excepted = 0;
  for (const finding of ctx.report.findings) {
    if (!selects(finding)) continue;
    if (ctx.excepted(finding)) excepted++;
    else counted.push(finding);
  }
  const tail = excepted > 0 ? ` (${excepted} excused by exceptions)` : '';
  if (counted.length <= maxCount) {
    return { status: 'pass', message: `${counted.length === 0 ? 'no' : counted.length} ${what}${maxCount > 0 ? ` (at most ${maxCount} allowed)` : ''}${tail}`, evidence: [], excepted };
  }
  return {
    status: 'violated',
    message: `${counted.length} ${what}${maxCount > 0 ? `, more than the ${maxCount} allowed` : ''}${tail}`,
    evidence: counted.map(findingEvidence),
    excepted,
  };
}
