import { createHash } from 'node:crypto';
import type parse from 'spdx-expression-parse';
import { lazyModule } from '../util/lazy-module.js';

const spdxParse = lazyModule<typeof parse>('spdx-expression-parse');

/** True when `text` is a valid SPDX license expression (ids from the SPDX license list, AND/OR/WITH). */
export function isSpdxExpression(text: string): boolean {
  if (text.length === 0 || text.length > 1000) return false;
  try {
    spdxParse()(text);
    return true;
  } catch {
    return false;
  }
}

/** True when `text` is a single license id from the SPDX list (no operators). */
export function isSpdxId(text: string): boolean {
  if (!isSpdxExpression(text)) return false;
  const parsed = spdxParse()(text) as { license?: string; conjunction?: string; exception?: string };
  return parsed.license !== undefined && parsed.conjunction === undefined && parsed.exception === undefined && !text.includes('+') && !parsed.license.startsWith('LicenseRef-');
}

/** A licence given as text (not an SPDX expression) as a `LicenseRef-` id: readable, unique per text. */
export function licenseRefFor(text: string): string {
  const readable = text
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `LicenseRef-sekisho-${readable === '' ? 'text' : readable}-${hash}`;
}

/** `LicenseRef-…` ids an expression uses. */
export function licenseRefs(expression: string): string[] {
  return [...expression.matchAll(/(?:^|[\s(])(LicenseRef-[A-Za-z0-9.-]+)/g)].map((m) => m[1] ?? '');
}

/**
 * Every statement of a package as one SPDX expression (several statements all apply: AND), text
 * that is no expression as its `LicenseRef-`, or null when there is none; `texts` maps each
 * LicenseRef used to the licence's name: the original text for `LicenseRef-sekisho-…`, the id's own name otherwise.
 */
export function combinedExpression(licenses: readonly string[]): { expression: string; texts: Map<string, string> } | null {
  if (licenses.length === 0) return null;
  const texts = new Map<string, string>();
  const parts = licenses.map((text) => {
    if (isSpdxExpression(text)) {
      for (const ref of licenseRefs(text)) if (!texts.has(ref)) texts.set(ref, ref.slice('LicenseRef-'.length));
      return text;
    }
    const ref = licenseRefFor(text);
    texts.set(ref, text);
    return ref;
  });
  const expression = parts.length === 1 ? (parts[0] ?? '') : parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' AND ');
  return { expression, texts };
}
