import { purl } from '../lang-common/output.js';

export function nugetPurl(name: string, version: string): string | null {
  return purl('nuget', null, name, version);
}
