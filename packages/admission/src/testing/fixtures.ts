import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, type PolicyDocument } from '@sekisho/core';
import type { EventSink, SekishoEvent } from '@sekisho/model';
import { parseAdmissionReview, type AdmissionRequest } from '../review.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REVIEWS_DIR = path.join(here, '..', '__fixtures__', 'reviews');

export function reviewFixtures(): string[] {
  return readdirSync(REVIEWS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function reviewJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REVIEWS_DIR, name), 'utf8')) as Record<string, unknown>;
}

/** A fixture's request, optionally moved to another namespace. */
export function fixtureRequest(name: string, namespace?: string): AdmissionRequest {
  const parsed = parseAdmissionReview(reviewJson(name));
  if (!parsed.ok) throw new Error(`${name}: ${parsed.message}`);
  const request = parsed.request;
  return namespace === undefined ? request : { ...request, namespace };
}

export const TEST_POLICY = `
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  official: { kind: registries, allow: ["registry.example.com/**", "docker.io/library/*"] }
environments:
  dev:
    admission: { mode: warn, podSecurity: { level: baseline } }
  prod:
    admission: { mode: enforce, podSecurity: { level: restricted, version: v1.30 } }
  audit:
    extends: prod
    admission: { mode: audit }
  scanned:
    extends: prod
    rules:
      no-critical: { kind: vulnerabilities, severity: critical }
    admission: { onMissingScan: deny, onError: deny }
  scanned-lax:
    extends: scanned
    admission: { onMissingScan: warn, onError: allow }
  mutating:
    extends: prod
    admission: { mutate: { pinDigests: true, seccompRuntimeDefault: true } }
mappings:
  - { environment: prod, namespaces: ["shop", "prod-*"] }
  - { environment: audit, namespaces: ["audit-*"] }
  - { environment: scanned, namespaces: ["scanned"] }
  - { environment: scanned-lax, namespaces: ["scanned-lax"] }
  - { environment: mutating, namespaces: ["mutating"] }
defaultEnvironment: dev
`;

export function testPolicy(text = TEST_POLICY): PolicyDocument {
  return parsePolicy(text, 'test-policy.yaml');
}

export class MemorySink implements EventSink {
  readonly events: SekishoEvent[] = [];
  emit(event: SekishoEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }
}
