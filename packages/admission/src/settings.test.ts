import { parsePolicy } from '@sekisho/core';
import { describe, expect, it } from 'vitest';
import { admissionSettings } from './settings.js';

const POLICY = `
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: layered }
environments:
  base: {}
  dev:
    admission: { mode: warn, podSecurity: { level: baseline }, onMissingScan: allow, mutate: { seccompRuntimeDefault: true } }
  prod:
    extends: dev
    admission: { mode: enforce, podSecurity: { level: restricted, version: v1.29 }, requireDigest: true }
`;

describe('admission settings of an environment', () => {
  it('defaults: enforce, no PSS level of its own, warn on a missing scan, deny on errors, nothing mutated', () => {
    expect(admissionSettings(parsePolicy(POLICY, 'p.yaml'), 'base')).toEqual({
      mode: 'enforce',
      podSecurity: null,
      requireDigest: false,
      onMissingScan: 'warn',
      onError: 'deny',
      minIsolationScore: null,
      exec: 'allow',
      mutate: { pinDigests: false, seccompRuntimeDefault: false },
    });
  });

  it('inherits along extends field by field, the nearer environment winning', () => {
    const prod = admissionSettings(parsePolicy(POLICY, 'p.yaml'), 'prod');
    expect(prod).toMatchObject({ mode: 'enforce', podSecurity: { level: 'restricted', minor: 29 }, requireDigest: true, onMissingScan: 'allow', mutate: { seccompRuntimeDefault: true } });
    expect(admissionSettings(parsePolicy(POLICY, 'p.yaml'), 'dev').podSecurity?.minor).toBeGreaterThanOrEqual(37);
  });

  it('a wrong setting fails when the policy loads, naming its path', () => {
    expect(() => parsePolicy(POLICY.replace('onMissingScan: allow', 'onMissingScan: maybe'), 'p.yaml')).toThrow('environments.dev.admission.onMissingScan');
    expect(() => parsePolicy(POLICY.replace('version: v1.29', 'version: 2.0'), 'p.yaml')).toThrow('environments.prod.admission.podSecurity.version');
    expect(() => parsePolicy(POLICY.replace('requireDigest: true', 'requireDigests: true'), 'p.yaml')).toThrow('environments.prod.admission');
  });
});
