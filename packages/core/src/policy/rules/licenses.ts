import type { Package, RuleEvidence } from '@sekisho/model';
import picomatch from 'picomatch';
import parseSpdx from 'spdx-expression-parse';
import { z } from 'zod';
import { defineRule } from './types.js';

const MAX_EXPRESSION = 2000;

const params = z
  .object({
    /** SPDX ids (globs allowed, e.g. `AGPL-*`) no package may be bound by. */
    deny: z.array(z.string().min(1).max(200)).max(1000).optional(),
    /** When given, only these ids (globs) are acceptable. */
    allow: z.array(z.string().min(1).max(200)).max(1000).optional(),
    /** Packages that state no licence; default pass (the inventory often has none for binaries). */
    unknown: z.enum(['pass', 'fail']).default('pass'),
  })
  .strict()
  .refine((r) => r.deny !== undefined || r.allow !== undefined, 'licenses needs deny or allow');

type Params = z.infer<typeof params>;

/**
 * Whether a licence expression binds the package to something not acceptable. With `OR` the
 * user may pick either side, so both must be unacceptable; with `AND` (and `WITH`) one is enough.
 * Text that is not an SPDX expression is judged as one licence name.
 */
function unacceptable(expression: string, bad: (id: string) => boolean): boolean {
  let tree: parseSpdx.Info;
  try {
    tree = parseSpdx(expression.slice(0, MAX_EXPRESSION));
  } catch {
    return bad(expression.trim());
  }
  const walk = (node: parseSpdx.Info): boolean => ('license' in node ? bad(node.license) : node.conjunction === 'or' ? walk(node.left) && walk(node.right) : walk(node.left) || walk(node.right));
  return walk(tree);
}

function judge(p: Params): (id: string) => boolean {
  const deny = p.deny === undefined ? null : picomatch(p.deny, { nocase: true });
  const allow = p.allow === undefined ? null : picomatch(p.allow, { nocase: true });
  return (id) => (deny !== null && deny(id)) || (allow !== null && !allow(id));
}

export const licensesRule = defineRule({
  kind: 'licenses',
  summary: 'No package under a denied licence (SPDX expressions: OR offers a choice, AND binds to both), or only allowed ones',
  params,
  defaultWeight: 5,
  needs: [],
  evaluate(p, ctx) {
    const bad = judge(p);
    const evidence: RuleEvidence[] = [];
    let unknown = 0;
    for (const pkg of ctx.report.packages) {
      if (pkg.licenses.length === 0) {
        unknown++;
        if (p.unknown === 'fail') evidence.push(packageEvidence(pkg, 'states no licence'));
        continue;
      }
      // Several statements of one package (e.g. per file) all apply.
      const offending = pkg.licenses.filter((l) => unacceptable(l, bad));
      if (offending.length > 0) evidence.push(packageEvidence(pkg, `licensed ${offending.join(' AND ')}`));
    }
    const tail = unknown > 0 ? `; ${unknown} packages state no licence${p.unknown === 'pass' ? ' (allowed)' : ''}` : '';
    return evidence.length === 0
      ? { status: 'pass', message: `every stated licence acceptable${tail}`, evidence: [], excepted: 0 }
      : { status: 'violated', message: `${evidence.length} packages under unacceptable licences${tail}`, evidence, excepted: 0 };
  },
});

function packageEvidence(pkg: Package, why: string): RuleEvidence {
  return { ref: pkg.id, text: `${pkg.name} ${pkg.version} (${pkg.type}) ${why}`, severity: null, fix: `Replace ${pkg.name} or obtain another licence` };
}
