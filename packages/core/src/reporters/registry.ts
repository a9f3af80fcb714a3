import { cyclonedxJsonReporter } from './cyclonedx-json/index.js';
import { jsonReporter } from './json/index.js';
import { spdxJsonReporter } from './spdx-json/index.js';
import { tableReporter } from './table/index.js';
import type { Reporter } from './types.js';

export const reporters: readonly Reporter[] = [tableReporter, jsonReporter, cyclonedxJsonReporter, spdxJsonReporter];

export function getReporter(id: string): Reporter | undefined {
  return reporters.find((r) => r.id === id);
}
