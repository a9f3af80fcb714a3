import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SekishoError } from '../errors.js';
import { lazyModule } from '../util/lazy-module.js';
import { PARSE_ONCE } from '../util/parse-once.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

export const IGNORE_FILE_NAME = '.sekisho-ignore.yaml';
const MAX_IGNORE_FILE_BYTES = 4 * 1024 * 1024;
const MAX_RULES = 100_000;

/** OpenVEX justifications (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md#status-justifications). */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

/** A calendar date as YAML writes it (a string, or a date YAML already parsed), as `YYYY-MM-DD`. */
export const dateString = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD' });
    return z.NEVER;
  }
  return text;
});

const ruleSchema = z
  .object({
    id: z.string().min(1).max(200),
    package: z.string().min(1).max(500).optional(),
    purl: z.string().startsWith('pkg:').max(2048).optional(),
    reason: z.string().min(1).max(4000),
    owner: z.string().min(1).max(200),
    expires: dateString,
    justification: z.enum(VEX_JUSTIFICATIONS).optional(),
  })
  .strict();

const fileSchema = z.object({ exceptions: z.array(ruleSchema).max(MAX_RULES).default([]) }).strict();

/** One accepted risk: a vulnerability (id or alias), optionally scoped to a package name or purl, with who accepted it, why, and until when. */
export type IgnoreRule = z.infer<typeof ruleSchema> & { readonly source: string; readonly index: number };

/**
 * Parse `.sekisho-ignore.yaml`:
 *
 * ```yaml
 * exceptions:
 *   - id: CVE-2023-4863            # or any alias (GHSA-…, DSA-…)
 *     purl: pkg:deb/debian/libwebp  # optional scope: purl (version optional) …
 *     package: libwebp7            # … or package name; neither = every package
 *     reason: not reachable, we never decode WebP
 *     owner: security@example.com
 *     expires: 2026-03-31          # required: exceptions must be reviewed
 *     justification: vulnerable_code_not_in_execute_path   # optional, OpenVEX, for --write-vex
 * ```
 */
export function parseIgnoreFile(text: string, source: string): IgnoreRule[] {
  if (text.length > MAX_IGNORE_FILE_BYTES) throw new SekishoError('LIMIT_JSON_SIZE', `ignore file larger than ${MAX_IGNORE_FILE_BYTES} bytes`, { where: { file: source } });
  let data: unknown;
  try {
    data = yaml().parse(text, { maxAliasCount: 100, prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', 'ignore file is not valid YAML', { where: { file: source }, cause: error });
  }
  const parsed = fileSchema.safeParse(data ?? {}, PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SekishoError('CONFIG_INVALID', `invalid ignore file at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`, { where: { file: source } });
  }
  return parsed.data.exceptions.map((rule, index) => ({ ...rule, source, index }));
}

export async function loadIgnoreFile(file: string): Promise<IgnoreRule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `cannot read ignore file: ${error instanceof Error ? error.message : String(error)}`, { where: { file }, cause: error });
  }
  return parseIgnoreFile(text, file);
}

/** An exception is in force through the whole of its expiry day (UTC). */
export function isExpired(rule: Pick<IgnoreRule, 'expires'>, now: Date): boolean {
  return now.toISOString().slice(0, 10) > rule.expires;
}
