import { createRequire } from 'node:module';
import type * as PackageUrlJs from 'packageurl-js';
import type { PackageURL } from 'packageurl-js';
import { compareText } from '@sekisho/model';

const requireFromCore = createRequire(import.meta.url);

/** A stand-in for `Intl.Collator` with the one thing packageurl-js asks of it: `compare`, on strings. */
class CodeUnitCollator {
  readonly compare = (a: unknown, b: unknown): number => compareText(String(a), String(b));
}

let loaded: typeof PackageUrlJs | null = null;

/**
 * packageurl-js, loaded on first use: rendering a report (a rescan served from the image cache)
 * needs no new purl. The library builds an `Intl.Collator` as it loads, only to order the property
 * names of its own helper tables; no purl it writes or reads depends on that order (qualifiers are
 * sorted with the default sort, by code units, as the purl spec asks). A collator loads ICU's
 * collation data: 8.4-8.9 ms (`new Intl.Collator()` in fresh processes) and ~2 MB of the Node
 * binary paged in, in every cold scan. While the library loads, `Intl.Collator` is a code-unit
 * comparison; the real one is back before anything else can run.
 */
function packageUrl(): typeof PackageUrlJs {
  if (loaded !== null) return loaded;
  const intl = Intl as { Collator: unknown };
  const collator = intl.Collator;
  intl.Collator = CodeUnitCollator;
  try {
    loaded = requireFromCore('packageurl-js') as typeof PackageUrlJs;
  } finally {
    intl.Collator = collator;
  }
  return loaded;
}

/** `new PackageURL(…).toString()`: the canonical purl text (packageurl-js encodes and orders the parts). */
export function purlText(...parts: ConstructorParameters<typeof PackageURL>): string {
  return new (packageUrl().PackageURL)(...parts).toString();
}

/** `PackageURL.fromString`: throws on text that is not a purl. */
export function parsePackageUrl(text: string): PackageURL {
  return packageUrl().PackageURL.fromString(text);
}
