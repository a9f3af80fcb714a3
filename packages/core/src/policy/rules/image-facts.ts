import type { RuleEvidence } from '@sekisho/model';
import picomatch from 'picomatch';
import { z } from 'zod';
import { lookupEol } from '../../inventory/eol.js';
import { imageNames } from '../subject.js';
import { defineRule } from './types.js';

const DAY = 86_400_000;
const glob = z.string().min(1).max(512);

export const endOfLifeRule = defineRule({
  kind: 'end-of-life',
  summary: 'The base OS is in a support phase (regular, or an extended one such as Debian LTS unless disallowed)',
  params: z
    .object({
      /** Whether an extended phase (Debian LTS, Ubuntu ESM) is good enough; default true. */
      allowExtended: z.boolean().default(true),
      /** An OS whose support dates are not known (rolling releases, unknown distributions); default fail. */
      unknown: z.enum(['pass', 'fail']).default('fail'),
    })
    .strict(),
  defaultWeight: 10,
  needs: [],
  evaluate(p, ctx) {
    const distro = ctx.report.distro;
    if (distro === null) return { status: 'pass', message: 'no OS detected (a static or scratch image)', evidence: [], excepted: 0 };
    // Judged at evaluation time, not scan time: a stored report ages.
    const found = lookupEol(distro.id, distro.versionId, ctx.now);
    const phase = found.phase === 'unknown' ? distro.eol.phase : found.phase;
    const name = `${distro.prettyName} (${distro.id} ${distro.versionId})`;
    const evidence = (text: string): RuleEvidence[] => [{ ref: `distro:${distro.id}:${distro.versionId}`, text, severity: null, fix: 'Rebuild on a release in regular support' }];
    switch (phase) {
      case 'regular':
        return { status: 'pass', message: `${name} is in regular support`, evidence: [], excepted: 0 };
      case 'extended':
        return p.allowExtended
          ? {
              status: 'pass',
              message: `${name} is in extended support (${found.extended?.name ?? distro.eol.extendedName ?? 'extended'} until ${found.phaseEnds ?? distro.eol.phaseEnds ?? '?'})`,
              evidence: [],
              excepted: 0,
            }
          : { status: 'violated', message: `${name} is out of regular support`, evidence: evidence(`regular support ended ${found.date ?? distro.eol.date ?? '?'}`), excepted: 0 };
      case 'eol':
        return { status: 'violated', message: `${name} is past the end of its support`, evidence: evidence(`security support ended ${found.date ?? distro.eol.date ?? '?'}`), excepted: 0 };
      case 'unknown':
        return p.unknown === 'pass'
          ? { status: 'pass', message: `${name}: support dates unknown (allowed by the rule)`, evidence: [], excepted: 0 }
          : { status: 'not-evaluated', message: `${name}: support dates unknown, so its support phase cannot be judged`, evidence: [], excepted: 0 };
    }
  },
});

export const imageAgeRule = defineRule({
  kind: 'image-age',
  summary: 'The image was built within a number of days',
  params: z.object({ maxDays: z.number().int().min(0).max(36_500) }).strict(),
  defaultWeight: 5,
  needs: [],
  evaluate(p, ctx) {
    const created = ctx.report.image?.config.created ?? null;
    const time = created === null ? Number.NaN : Date.parse(created);
    if (Number.isNaN(time) || time <= DAY) {
      return {
        status: 'not-evaluated',
        message: created === null || Number.isNaN(time) ? 'the image states no creation date' : 'the image carries a reproducible-build date (epoch), not its build date',
        evidence: [],
        excepted: 0,
      };
    }
    const days = Math.floor((ctx.now.getTime() - time) / DAY);
    return days <= p.maxDays
      ? { status: 'pass', message: `built ${days} days ago (limit ${p.maxDays})`, evidence: [], excepted: 0 }
      : {
          status: 'violated',
          message: `built ${days} days ago, more than ${p.maxDays}`,
          evidence: [{ ref: 'image:created', text: `created ${created ?? ''}`, severity: null, fix: 'Rebuild the image on a fresh base' }],
          excepted: 0,
        };
  },
});

export const registriesRule = defineRule({
  kind: 'registries',
  summary: 'The image comes from allowed registries and repositories (globs over registry/repository[:tag])',
  params: z
    .object({ allow: z.array(glob).max(1000).optional(), deny: z.array(glob).max(1000).optional() })
    .strict()
    .refine((r) => r.allow !== undefined || r.deny !== undefined, 'registries needs allow or deny'),
  defaultWeight: 15,
  needs: [],
  evaluate(p, ctx) {
    const names = imageNames(ctx.report.target);
    if (names.length === 0) return { status: 'not-evaluated', message: 'the image has no registry name (a local archive or directory without repository tags)', evidence: [], excepted: 0 };
    const allow = p.allow === undefined ? null : picomatch(p.allow, { dot: true });
    const deny = p.deny === undefined ? null : picomatch(p.deny, { dot: true });
    const bad: RuleEvidence[] = [];
    for (const n of names) {
      const forms = [n.repository, n.full];
      if (deny !== null && forms.some((f) => deny(f))) bad.push({ ref: `image:${n.full}`, text: `${n.full} is from a denied registry or repository`, severity: null, fix: null });
      else if (allow !== null && !forms.some((f) => allow(f)))
        bad.push({ ref: `image:${n.full}`, text: `${n.full} is not from an allowed registry or repository (${p.allow?.join(', ') ?? ''})`, severity: null, fix: null });
    }
    return bad.length === 0
      ? { status: 'pass', message: `${names.map((n) => n.repository).join(', ')} allowed`, evidence: [], excepted: 0 }
      : { status: 'violated', message: `${bad.length} image name(s) not allowed`, evidence: bad, excepted: 0 };
  },
});

export const labelsRule = defineRule({
  kind: 'labels',
  summary: 'Image labels: required ones present with matching values, forbidden ones absent (e.g. internal-only images out of prod)',
  params: z
    .object({ require: z.record(z.string().max(317), glob).optional(), forbid: z.record(z.string().max(317), glob).optional() })
    .strict()
    .refine((r) => r.require !== undefined || r.forbid !== undefined, 'labels needs require or forbid'),
  defaultWeight: 5,
  needs: [],
  evaluate(p, ctx) {
    const labels = ctx.report.image?.config.labels ?? null;
    if (labels === null) return { status: 'not-evaluated', message: 'no image configuration, so no labels to judge', evidence: [], excepted: 0 };
    const bad: RuleEvidence[] = [];
    for (const [key, pattern] of Object.entries(p.require ?? {})) {
      const value = labels[key];
      if (value === undefined || !picomatch.isMatch(value, pattern, { dot: true })) {
        bad.push({
          ref: `label:${key}`,
          text: value === undefined ? `label ${key} is missing (required: ${pattern})` : `label ${key}=${value} does not match ${pattern}`,
          severity: null,
          fix: `LABEL ${key}=…`,
        });
      }
    }
    for (const [key, pattern] of Object.entries(p.forbid ?? {})) {
      const value = labels[key];
      if (value !== undefined && picomatch.isMatch(value, pattern, { dot: true })) bad.push({ ref: `label:${key}`, text: `label ${key}=${value} is forbidden here`, severity: null, fix: null });
    }
    return bad.length === 0
      ? { status: 'pass', message: 'labels as required', evidence: [], excepted: 0 }
      : { status: 'violated', message: `${bad.length} label problem(s)`, evidence: bad, excepted: 0 };
  },
});
