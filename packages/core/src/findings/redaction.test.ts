import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../analyzers/secrets/engine.js';
import { GLOBAL_ALLOW_PATHS } from '../analyzers/secrets/rules.js';
import type { SecretRule } from '../analyzers/secrets/types.js';
import { createRedactor, defaultRedactor, isSensitiveKey, NO_REDACTION, OUTPUT_PATH, trustRedacted, vouchRedacted } from './redaction.js';

const PAT = `ghp_R8kT2vN5qW7zX1cY4bH6jM9pL3sD0fG2aE5u`;

describe('isSensitiveKey', () => {
  it.each([
    'DB_PASSWORD',
    'MYSQL_ROOT_PASSWORD',
    'POSTGRES_PASSWORD_FILE',
    'NPM_TOKEN',
    'GITHUBTOKEN',
    'clientSecret',
    'AWS_SECRET_ACCESS_KEY',
    'API_KEY',
    'apiKey',
    'GPG_KEY',
    'com.acme.api-key',
    'REDIS_PASS',
    'BASIC_AUTH',
    'DB_PWD',
    'SESSION_COOKIE',
    'GOOGLE_CREDENTIALS',
  ])('%s is sensitive', (name) => {
    expect(isSensitiveKey(name)).toBe(true);
  });
  it.each(['PATH', 'HOME', 'PWD', 'OLDPWD', 'TOKENIZERS_PARALLELISM', 'KEYBOARD_LAYOUT', 'MONKEY', 'org.opencontainers.image.authors', 'NODE_VERSION', 'LANG'])('%s is not', (name) => {
    expect(isSensitiveKey(name)).toBe(false);
  });
});

describe('the output path (what the redactor tells the rules its strings come from)', () => {
  it('no path of the global allowlist matches it: every rule stays in force for output', () => {
    expect(GLOBAL_ALLOW_PATHS.length).toBeGreaterThan(0);
    expect(GLOBAL_ALLOW_PATHS.filter((glob) => picomatch(glob, { dot: true })(OUTPUT_PATH))).toEqual([]);
  });

  it('no built-in rule without keywords applies to it (the redactor pre-filters strings by keyword)', () => {
    const keywordless = compileRules().rules.filter((compiled) => compiled.keywordIds.length === 0);
    expect(keywordless.filter((compiled) => compiled.onlyPaths === null || compiled.onlyPaths(OUTPUT_PATH)).map((compiled) => compiled.rule.id)).toEqual([]);
  });

  it('a user rule without keywords whose paths take in the output is refused by the redactor', () => {
    const rule: SecretRule = { id: 'no-keywords', title: 'No keywords', description: 'x', severity: 'high', regex: 'secret-[a-z]{12}', keywords: [], paths: ['*'] };
    expect(() => compileRules({ extraRules: [rule] })).not.toThrow();
    expect(() => createRedactor({ extraRules: [rule] })).toThrow(/without keywords applies to any path/);
  });
});

describe('createRedactor', () => {
  const redactor = createRedactor();

  it('hides any value a secret rule matches, wherever it sits in the text', () => {
    expect(redactor.text(`/bin/sh -c echo ${PAT} > /root/.gh`)).toBe('/bin/sh -c echo ghp_…(40 chars) > /root/.gh');
  });

  it('hides values assigned to sensitive names (build args, Env, flags), quoted or not', () => {
    expect(redactor.text('|2 NPM_TOKEN=abc123def456 NODE_ENV=production /bin/sh -c npm ci')).toBe('|2 NPM_TOKEN=abc…(12 chars) NODE_ENV=production /bin/sh -c npm ci');
    expect(redactor.text('ARG DB_PASSWORD="hunter2 with spaces"')).toBe('ARG DB_PASSWORD="hunt…(19 chars)"');
    expect(redactor.text('mysql --password=s3cr3t-pw-value -h db')).toBe('mysql --password=s3c…(15 chars) -h db');
  });

  it('is idempotent and leaves ordinary text alone', () => {
    const once = redactor.text(`TOKEN=${PAT}`);
    expect(redactor.text(once)).toBe(once);
    const plain = 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12';
    expect(redactor.text(plain)).toBe(plain);
  });

  it('value(): secrets hidden at any depth, untouched parts shared rather than copied, the input never changed', () => {
    const clean = { name: 'openssl', versions: ['3.0.11', '3.0.13'], meta: { licence: 'Apache-2.0' } };
    // A `__proto__` key, as JSON.parse makes it from hostile input, stays a key of the copy.
    const input = JSON.parse(`{"clean":${JSON.stringify(clean)},"dirty":{"steps":["apt-get update","echo ${PAT}"],"n":1},"__proto__":"kept","when":null}`) as Record<string, unknown>;
    const before = JSON.stringify(input);
    const out = redactor.value(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(out).not.toBe(input);
    expect(JSON.stringify(out)).toBe(before.replace(PAT, 'ghp_…(40 chars)'));
    expect(out['clean']).toBe(input['clean']); // nothing in it changed: the same object
    expect(out['clean']).toEqual(clean);
    expect((out['dirty'] as { steps: string[] }).steps[0]).toBe('apt-get update');
    expect(Object.keys(out)).toEqual(['clean', 'dirty', '__proto__', 'when']);
    expect(redactor.value(clean)).toBe(clean);
  });

  it('NO_REDACTION (--show-secrets) changes nothing', () => {
    expect(NO_REDACTION.text(`TOKEN=${PAT}`)).toBe(`TOKEN=${PAT}`);
  });
});

describe('vouchRedacted / trustRedacted (a value known to need no redaction is not walked again)', () => {
  const acme = { id: 'acme-token', title: 'ACME token', description: 'd', severity: 'high' as const, regex: '(?<secret>acme_[a-z0-9]{24})', keywords: ['acme_'] };

  it('vouches for a value the redactor leaves unchanged, under its fingerprint, and for none it changes', () => {
    const redactor = createRedactor();
    const clean = [{ name: 'openssl', homepage: 'https://www.openssl.org/' }];
    const fingerprint = vouchRedacted(redactor, clean);
    expect(fingerprint).toMatch(/^redaction:[0-9a-f]{64}$/);
    expect(vouchRedacted(createRedactor(), clean)).toBe(fingerprint); // the same rules: the same fingerprint
    expect(vouchRedacted(createRedactor({ extraRules: [acme] }), clean)).not.toBe(fingerprint);
    expect(vouchRedacted(redactor, [{ name: 'leaky', homepage: `https://deploy:${PAT}@example.com/` }])).toBeNull();
    expect(vouchRedacted(NO_REDACTION, clean)).toBeNull();
  });

  it('a redactor returns a value trusted under its own fingerprint as it is, and walks it under any other', () => {
    const fingerprint = vouchRedacted(defaultRedactor(), []);
    expect(fingerprint).not.toBeNull();
    // Trust is taken, not checked: what the image cache records is believed (its key binds the code and content).
    const trusted = [{ steps: [`echo ${PAT}`] }];
    trustRedacted(trusted, fingerprint ?? '');
    expect(defaultRedactor().value(trusted)).toBe(trusted);
    expect(defaultRedactor().report({ packages: trusted, image: null } as never)).toMatchObject({ packages: trusted });
    const other = createRedactor({ extraRules: [acme] });
    expect(JSON.stringify(other.value(trusted))).not.toContain(PAT);
    const wrong = [{ steps: [`echo ${PAT}`] }];
    trustRedacted(wrong, 'redaction:other-rules');
    expect(JSON.stringify(defaultRedactor().value(wrong))).not.toContain(PAT);
  });
});
