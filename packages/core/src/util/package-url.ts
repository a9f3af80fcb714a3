import type * as PackageUrlJs from 'packageurl-js';
import type { PackageURL } from 'packageurl-js';
import { lazyModule } from './lazy-module.js';

// Loaded on first use: rendering a report (a rescan served from the image cache) needs no new purl.
const packageUrl = lazyModule<typeof PackageUrlJs>('packageurl-js');

/** `new PackageURL(…).toString()`: the canonical purl text (packageurl-js encodes and orders the parts). */
export function purlText(...parts: ConstructorParameters<typeof PackageURL>): string {
  return new (packageUrl().PackageURL)(...parts).toString();
}

/** `PackageURL.fromString`: throws on text that is not a purl. */
export function parsePackageUrl(text: string): PackageURL {
  return packageUrl().PackageURL.fromString(text);
}
