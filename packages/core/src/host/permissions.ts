import type { Severity, StandardRef } from '@sekisho/model';
import type { HostAuditContext } from './context.js';

export interface PermissionRule {
  readonly path: string;
  /** The most permissive mode allowed, e.g. 0o644. */
  readonly maxMode: number;
  /** Allowed owners (uid) and groups (gid); root only by default. */
  readonly uids?: readonly number[];
  /** Allowed group ids, or null for any group. */
  readonly gids?: readonly number[] | null;
  readonly what: string;
  readonly ruleId: string;
  readonly standard?: StandardRef;
  /** Severity when the mode is wider than allowed (group/other write is always at least high). */
  readonly severity: Severity;
}

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;

/** Checks owner and mode of a path if it exists (links followed inside the root). */
export async function checkPermissions(ctx: HostAuditContext, rule: PermissionRule): Promise<boolean> {
  const st = await ctx.root.stat(rule.path);
  if (st === null) return false;
  if ('unreadable' in st) {
    ctx.unknown(rule.path, st.unreadable);
    return true;
  }
  const extra = st.mode & 0o777 & ~rule.maxMode;
  const writableByOthers = (st.mode & 0o022 & extra) !== 0;
  if (extra !== 0) {
    ctx.add({
      ruleId: `${rule.ruleId}-mode`,
      title: `${rule.what} is ${writableByOthers ? 'writable by group or others' : 'more permissive than needed'} (${octal(st.mode & 0o7777)})`,
      severity: writableByOthers && rule.severity !== 'critical' ? 'high' : rule.severity,
      description: `${rule.what} ${rule.path} has mode ${octal(st.mode & 0o7777)}; at most ${octal(rule.maxMode)} is expected.`,
      file: rule.path,
      key: 'mode',
      value: octal(st.mode & 0o7777),
      fix: `chmod ${octal(rule.maxMode)} ${rule.path}`,
      ...(rule.standard === undefined ? {} : { standard: rule.standard }),
    });
  }
  const uids = rule.uids ?? [0];
  const gids = rule.gids === undefined ? [0] : rule.gids;
  if (!uids.includes(st.uid) || (gids !== null && !gids.includes(st.gid))) {
    ctx.add({
      ruleId: `${rule.ruleId}-owner`,
      title: `${rule.what} is not owned by root`,
      severity: rule.severity,
      description: `${rule.what} ${rule.path} is owned by uid ${st.uid}, gid ${st.gid}; whoever owns it can change it.`,
      file: rule.path,
      key: 'owner',
      value: `${st.uid}:${st.gid}`,
      fix: `chown root:root ${rule.path}`,
      ...(rule.standard === undefined ? {} : { standard: rule.standard }),
    });
  }
  return true;
}
