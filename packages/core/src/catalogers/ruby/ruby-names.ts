import { purl } from '../lang-common/output.js';

export function gemPurl(name: string, version: string, qualifiers?: Readonly<Record<string, string>>): string | null {
  return purl('gem', null, name, version, qualifiers);
}

const PLATFORM = /^(?:x86|x64|i[3-6]86|arm|aarch64|universal|java|jruby|mswin|mingw|ruby|darwin|linux|freebsd|openbsd|solaris|ppc|s390|sparc|wasm)/i;

/** `1.13.10-x86_64-linux` → version `1.13.10`, platform `x86_64-linux` (platform gems in Gemfile.lock). */
export function splitPlatform(value: string): { version: string; platform: string | null } {
  const dash = value.indexOf('-');
  if (dash > 0 && PLATFORM.test(value.slice(dash + 1))) return { version: value.slice(0, dash), platform: value.slice(dash + 1) };
  return { version: value, platform: null };
}
