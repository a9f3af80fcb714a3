import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import { setupScanners } from '../../scan/scanners.js';
import { sharedDir } from '../../testing/shared-data.js';
import { analyzeFile } from './analyzer.js';
import { compileRules } from './engine.js';
import { translateGoRegex, UNBOUNDED_AS } from './go-regex.js';
import { ENGINE_HAS_MODIFIER_GROUPS } from './regex-features.js';
import type { SecretAnalyzerFinding, SecretsOptions } from './types.js';
import { loadSecretConfig, parseGitleaksConfig, parseTrivySecretConfig } from './user-config.js';

const B = 'Zq3vX9kP2mW7tR4yL8nB5cH1jD6fG0sA';

function scan(options: SecretsOptions, path: string, text: string): SecretAnalyzerFinding[] {
  return analyzeFile(compileRules(options), path, text.length, Buffer.from(text), false).findings as SecretAnalyzerFinding[];
}

const ids = (findings: readonly SecretAnalyzerFinding[]): string[] => findings.map((f) => f.ruleId);

describe('translateGoRegex', () => {
  // With modifier groups, `(?i)` becomes `(?i:…)`; without them (Node 22's V8) the case is spelled out.
  it.each<[string, string, boolean]>([
    ['(?i)abc', '(?i:abc)', true],
    ['a(?i)b|c', 'a(?i:b)|(?i:c)', true],
    ['(x(?i)y)z', '(x(?i:y))z', true],
    ['(?-i:[Ss]umo)', '(?-i:[Ss]umo)', true],
    ['(?P<key>k)=(?P<secret>v)', '(?<key>k)=(?<secret>v)', true],
    ['a+b*c{2,}', `a{1,${UNBOUNDED_AS}}b{0,${UNBOUNDED_AS}}c{2,${UNBOUNDED_AS}}`, true],
    ['a.b', 'a[^\\n]b', true],
    ['(?s:.)x', '(?:[\\s\\S])x', true],
    ['x(?:$|\\z)', 'x(?:$|(?![\\s\\S]))', true],
    ['[[:alnum:]_]', '[0-9A-Za-z_]', true],
    ['[]a]', '[\\]a]', true],
    ['\\{\\{ x }}', '\\{\\{ x \\}\\}', true],
    ['(?i)ab', '[aA][bB]', false],
    ['(?i)[a-c0-9_]', '[a-c0-9_ABC]', false],
    ['(?i:x[-z])', '(?:[xX][-zZ])', false],
    ['(?i)[a-]', '[a\\-A]', false],
    ['(?i)[^a-z]', '[^a-zABCDEFGHIJKLMNOPQRSTUVWXYZ]', false],
    ['(?i)(?-i:[Ss]umo)\\d', '(?:[Ss]umo)\\d', false],
  ])('%s → %s (modifier groups: %s)', (go, js, modifiers) => {
    const result = translateGoRegex(go, modifiers);
    expect(result.ok && result.source).toBe(js);
  });

  it('refuses a class the engine cannot read, with a message, when it spells the case out', () => {
    expect(translateGoRegex('(?i)[z-a]', false)).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid character class/) as unknown });
  });

  it.skipIf(!ENGINE_HAS_MODIFIER_GROUPS)('matches the same text with modifier groups and with the case spelled out', () => {
    const patterns = [
      '(?i)abc',
      'a(?i)b|c',
      '(x(?i)y)z',
      '(?i)[a-f0-9]{4}',
      '(?i)[^a-z]x',
      '(?i:k[-a]v)',
      '(?i)(?-i:[Ss]umo)x',
      String.raw`(?i)api[_-]?key\s*[:=]\s*(?P<secret>[A-Z0-9]{8})`,
      '(?i)[[:alpha:]]+Q',
    ];
    const text = 'ABC abc aBc B c XY xy xY Xz dead BEEF 12aF 9x _X Kav kAV K-v sumoX SumoX SUMOX API_KEY = ab12CD34 apikey:XYZ98765 qwertyQ QWERTYq';
    let total = 0;
    for (const go of patterns) {
      const native = translateGoRegex(go, true);
      const spelled = translateGoRegex(go, false);
      if (!native.ok || !spelled.ok) throw new Error(`${go} did not translate`);
      const all = (source: string): string[] => [...text.matchAll(new RegExp(source, 'g'))].map((m) => `${m.index}:${m[0]}`);
      expect(all(spelled.source), go).toEqual(all(native.source));
      total += all(native.source).length;
    }
    expect(total).toBeGreaterThan(20);
  });

  it.each([['\\Qa.b\\E'], ['\\p{Greek}'], ['(?U)a+'], ['(a)\\1'], ['(a'], ['a)']])('refuses %s', (go) => {
    expect(translateGoRegex(go).ok).toBe(false);
  });

  it('numbers named groups like RE2', () => {
    const result = translateGoRegex('(a)(?:b)(?P<secret>c)');
    expect(result.ok && [result.groups, result.names.get('secret')]).toEqual([2, 2]);
  });
});

const GITLEAKS = String.raw`
title = "acme"

[extend]
useDefault = true
disabledRules = ["generic-api-key-assignment"]

[[rules]]
id = "acme-api-token"
description = "Acme API token"
regex = '''(?i)\b(acme_[a-z0-9]{32})(?:['"\s;]|$)'''
keywords = ["ACME_"]
entropy = 3.0
  [[rules.allowlists]]
  description = "commented examples in docs"
  condition = "AND"
  regexTarget = "line"
  regexes = ['''^\s*#''']
  paths = ['''\.md$''']

[[rules]]
id = "corp-password"
description = "Corp password"
regex = '''(corp_password)\s{0,3}=\s{0,3}"([^"]{8,64})"'''
secretGroup = 2
keywords = ["corp_password"]
  [rules.allowlist]
  stopwords = ["hunter"]

[allowlist]
description = "vendored code"
paths = ['''^/app/vendor/''']
`;

describe('gitleaks configuration', () => {
  const config = parseGitleaksConfig(GITLEAKS);
  const token = `acme_${B.toLowerCase()}`;

  it('loads rules, allowlists and [extend]', () => {
    expect(config.problems).toEqual([]);
    expect(config.config.extraRules?.map((r) => r.id)).toEqual(['acme-api-token', 'corp-password']);
    expect(config.config.disabledRules).toEqual(['generic-api-key-assignment']);
    expect(config.config.builtinRules).toBeUndefined();
  });

  it('runs user rules beside the built-in ones', () => {
    const github = `ghp_${B}abcd`;
    expect(ids(scan(config.config, '/app/a.txt', `T=${token}\nG=${github}\n`))).toEqual(['acme-api-token', 'github-pat']);
  });

  it('applies an AND allowlist only when path and line both match', () => {
    expect(ids(scan(config.config, '/app/README.md', `# token = ${token}\n`))).toEqual([]);
    expect(ids(scan(config.config, '/app/README.md', `token = ${token}\n`))).toEqual(['acme-api-token']);
    expect(ids(scan(config.config, '/app/notes.txt', `# token = ${token}\n`))).toEqual(['acme-api-token']);
  });

  it('takes the secret from secretGroup and honours the older [rules.allowlist] form', () => {
    const found = scan({ ...config.config, showSecrets: true }, '/app/app.ini', 'corp_password = "Tr0ub4dor&3x"\n');
    expect(found.map((f) => [f.ruleId, f.match])).toEqual([['corp-password', 'Tr0ub4dor&3x']]);
    expect(scan(config.config, '/app/app.ini', 'corp_password = "hunter2hunter2"\n')).toEqual([]);
  });

  it('applies the global allowlist', () => {
    expect(scan(config.config, '/app/vendor/lib/x.txt', `T=${token}\n`)).toEqual([]);
  });

  it('without [extend] useDefault the file replaces the built-in rules', () => {
    const only = parseGitleaksConfig(GITLEAKS.replace('useDefault = true', 'useDefault = false').replace(/disabledRules = .*\n/, ''));
    expect(only.problems).toEqual([]);
    expect(only.config.builtinRules).toBe('none');
    expect(ids(scan(only.config, '/app/a.txt', `G=ghp_${B}abcd\nT=${token}\n`))).toEqual(['acme-api-token']);
  });

  it('refuses unsafe or untranslatable rules by id', () => {
    const bad = parseGitleaksConfig(`${GITLEAKS}\n[[rules]]\nid = "nested"\nregex = '''(a+)+b'''\nkeywords = ["a"]\n\n[[rules]]\nid = "unicode"\nregex = '''\\p{L}{4}'''\nkeywords = ["x"]\n`);
    expect(bad.problems.map((p) => [p.ruleId, /nested-quantifier|Unicode/.exec(p.message)?.[0]])).toEqual([
      ['nested', 'nested-quantifier'],
      ['unicode', 'Unicode'],
    ]);
  });
});

describe('Trivy secret configuration (__fixtures__/trivy-secret.yaml)', () => {
  const config = parseTrivySecretConfig(readFileSync(join(import.meta.dirname, '__fixtures__', 'trivy-secret.yaml'), 'utf8'));
  const key = `ak_${B.toLowerCase()}`;

  it('loads custom rules, allow rules and disabled rules', () => {
    expect(config.problems).toEqual([]);
    expect(config.config.extraRules?.map((r) => [r.id, r.severity])).toEqual([
      ['acme-deploy-key', 'high'],
      ['internal-service-password', 'medium'],
    ]);
    expect(config.config.disabledRules).toEqual(['slack-webhook-url']);
  });

  it('reports the named secret group and honours rule and global allow rules', () => {
    const found = scan({ ...config.config, showSecrets: true }, '/app/.env', `ACME_DEPLOY = "${key}"\n`);
    expect(found.map((f) => [f.ruleId, f.match])).toEqual([['acme-deploy-key', key]]);
    expect(scan(config.config, '/app/.env', `acme_deploy=ak_test${'x1y2z3'.repeat(4)}a\n`)).toEqual([]);
    expect(scan(config.config, '/app/fixtures/.env', `acme_deploy=${key}\n`)).toEqual([]);
  });

  it('limits a keyword-less rule to its path', () => {
    expect(ids(scan(config.config, '/app/app.properties', 'internal.password=s3cr3t-Pa55w0rd\n'))).toEqual(['internal-service-password']);
    expect(ids(scan(config.config, '/app/app.txt', 'internal.password=s3cr3t-Pa55w0rd\n'))).not.toContain('internal-service-password');
  });

  it('disables built-in rules and enables only the listed ones', () => {
    const hook = 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx';
    expect(ids(scan({}, '/app/a.txt', `${hook}\n`))).toEqual(['slack-webhook-url']);
    expect(ids(scan(config.config, '/app/a.txt', `${hook}\n`))).toEqual([]);
    const only = parseTrivySecretConfig('enable-builtin-rules: [github-pat]\n');
    expect(only.config.builtinRules).toEqual(['github-pat']);
    expect(ids(scan(only.config, '/app/a.txt', `${hook}\nG=ghp_${B}abcd\n`))).toEqual(['github-pat']);
  });

  it('refuses unknown rule ids and unsafe patterns, naming them', () => {
    const bad = parseTrivySecretConfig('disable-rules: [no-such-rule]\nrules:\n  - id: greedy\n    regex: (x+x+)+y\n    keywords: [x]\n');
    expect(new Set(bad.problems.map((p) => p.ruleId))).toEqual(new Set([null, 'greedy']));
    expect(bad.problems.find((p) => p.ruleId === null)?.message).toContain('no-such-rule');
  });
});

describe('loadSecretConfig', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'sekisho-secret-config-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads by extension and refuses a file with unusable rules with CONFIG_INVALID', async () => {
    const good = join(tmp, 'gitleaks.toml');
    await writeFile(good, GITLEAKS);
    expect((await loadSecretConfig(good)).extraRules).toHaveLength(2);
    const bad = join(tmp, 'bad.toml');
    await writeFile(bad, `[[rules]]\nid = "nested"\nregex = '''(a+)+b'''\nkeywords = ["a"]\n`);
    const error = await loadSecretConfig(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SekishoError);
    expect((error as SekishoError).code).toBe('CONFIG_INVALID');
    expect((error as SekishoError).message).toContain("rule 'nested'");
  });

  it('is what setupScanners loads for the secret scanner, and it changes the layer cache key', async () => {
    const good = join(tmp, 'trivy-secret.yaml');
    await writeFile(good, readFileSync(join(import.meta.dirname, '__fixtures__', 'trivy-secret.yaml')));
    const plain = await setupScanners(new Set(['secret']));
    const custom = await setupScanners(new Set(['secret']), { secretConfig: good });
    expect(custom.analyzerOptions['secrets']).not.toBe(plain.analyzerOptions['secrets']);
    const error = await setupScanners(new Set(['secret']), { secretConfig: join(tmp, 'bad.toml') }).catch((e: unknown) => e);
    expect((error as SekishoError).code).toBe('CONFIG_INVALID');
  });
});

const secretsDir = sharedDir('conformance', 'secrets') ?? (process.env['SEKISHO_SHARED_DIR'] ? join(process.env['SEKISHO_SHARED_DIR'], 'conformance', 'secrets') : null);
const gitleaksToml = secretsDir === null ? null : join(secretsDir, 'gitleaks.toml');

/**
 * gitleaks' default configuration as a user config. Rules whose patterns the regex-safety check
 * cannot prove linear are refused, by id: mostly gitleaks' "semi-generic" shape
 * `[\w.-]{0,50}?(?:name)(?:[ \t\w.-]{0,20})[\s'"]{0,3}…`, where adjacent elastic repetitions
 * overlap, and `.*`-style line continuations. Sekisho's built-in rules cover the same providers.
 */
const REFUSED: Readonly<Record<string, readonly string[]>> = {
  'adjacent-overlap': [
    'adafruit-api-key',
    'adobe-client-id',
    'airtable-api-key',
    'algolia-api-key',
    'alibaba-secret-key',
    'asana-client-id',
    'asana-client-secret',
    'atlassian-api-token',
    'beamer-api-token',
    'bitbucket-client-id',
    'bitbucket-client-secret',
    'bittrex-access-key',
    'bittrex-secret-key',
    'cisco-meraki-api-key',
    'cloudflare-api-key',
    'cloudflare-global-api-key',
    'codecov-access-token',
    'cohere-api-token',
    'coinbase-access-token',
    'confluent-access-token',
    'confluent-secret-key',
    'contentful-delivery-api-token',
    'curl-auth-header',
    'curl-auth-user',
    'datadog-access-token',
    'defined-networking-api-token',
    'discord-api-token',
    'discord-client-id',
    'discord-client-secret',
    'droneci-access-token',
    'dropbox-api-token',
    'dropbox-long-lived-api-token',
    'dropbox-short-lived-api-token',
    'etsy-access-token',
    'facebook-secret',
    'fastly-api-token',
    'finicity-api-token',
    'finicity-client-secret',
    'finnhub-access-token',
    'flickr-access-token',
    'freshbooks-access-token',
    'generic-api-key',
    'gitter-access-token',
    'gocardless-api-token',
    'hashicorp-tf-password',
    'heroku-api-key',
    'hubspot-api-key',
    'intercom-api-key',
    'jfrog-api-key',
    'jfrog-identity-token',
    'kraken-access-token',
    'kubernetes-secret-yaml',
    'kucoin-access-token',
    'kucoin-secret-key',
    'launchdarkly-access-token',
    'linear-client-secret',
    'linkedin-client-id',
    'linkedin-client-secret',
    'lob-api-key',
    'lob-pub-api-key',
    'looker-client-id',
    'looker-client-secret',
    'mailchimp-api-key',
    'mailgun-private-api-token',
    'mailgun-pub-key',
    'mailgun-signing-key',
    'mapbox-api-token',
    'mattermost-access-token',
    'messagebird-api-token',
    'messagebird-client-id',
    'netlify-access-token',
    'new-relic-browser-api-token',
    'new-relic-insert-key',
    'new-relic-user-api-id',
    'new-relic-user-api-key',
    'nuget-config-password',
    'nytimes-access-token',
    'okta-access-token',
    'plaid-api-token',
    'plaid-client-id',
    'plaid-secret-key',
    'private-key',
    'privateai-api-token',
    'rapidapi-access-token',
    'sendbird-access-id',
    'sendbird-access-token',
    'sentry-access-token',
    'sentry-org-token',
    'sidekiq-secret',
    'slack-bot-token',
    'slack-user-token',
    'snyk-api-token',
    'sonar-api-token',
    'squarespace-access-token',
    'sumologic-access-id',
    'sumologic-access-token',
    'telegram-bot-api-token',
    'travisci-access-token',
    'twitch-api-token',
    'twitter-access-secret',
    'twitter-access-token',
    'twitter-api-key',
    'twitter-api-secret',
    'twitter-bearer-token',
    'typeform-api-token',
    'yandex-access-token',
    'yandex-api-key',
    'yandex-aws-access-token',
    'zendesk-secret-key',
  ],
  'nested-quantifier': ['curl-auth-header', 'curl-auth-user', 'slack-user-token'],
  // a file-name rule without a regex: sensitive files are the hardening scanner's job
  'path-only': ['pkcs12-file'],
};

describe.skipIf(gitleaksToml === null || !existsSync(gitleaksToml))('gitleaks default configuration as a user config (../shared/conformance/secrets)', () => {
  it('refuses exactly the listed rules, with their reasons, and the global allowlist patterns the check rejects', () => {
    const parsed = parseGitleaksConfig(readFileSync(gitleaksToml as string, 'utf8'));
    const refused: Record<string, Set<string>> = {};
    for (const problem of parsed.problems) {
      const kind = /adjacent-overlap|nested-quantifier|path-only/.exec(problem.message)?.[0] ?? problem.message;
      (refused[kind] ??= new Set()).add(problem.ruleId ?? '(global allowlist)');
    }
    const expected = Object.fromEntries(Object.entries(REFUSED).map(([kind, list]) => [kind, new Set(kind === 'path-only' ? list : [...list, '(global allowlist)'])]));
    expect(refused).toEqual(expected);
    const accepted = parsed.config.extraRules ?? [];
    console.log(`gitleaks.toml: ${accepted.length} rules load, ${new Set(parsed.problems.map((p) => p.ruleId)).size - 1} refused (plus global allowlist patterns)`);
    expect(accepted.length).toBeGreaterThanOrEqual(100);
    expect(parsed.config.builtinRules).toBe('none');
  });

  it('the rules that load find their own true-positive samples', () => {
    const parsed = parseGitleaksConfig(readFileSync(gitleaksToml as string, 'utf8'));
    const accepted = new Set((parsed.config.extraRules ?? []).map((r) => r.id));
    const rules = compileRules(parsed.config);
    let tps = 0;
    let found = 0;
    const samples = readFileSync(join(secretsDir as string, 'gitleaks-rule-samples.visible.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    for (const line of samples) {
      const sample = JSON.parse(line) as { rule_id: string; kind: string; text: string };
      if (sample.kind !== 'tp' || !accepted.has(sample.rule_id)) continue;
      tps++;
      if (analyzeFile(rules, '/app/config.txt', sample.text.length, Buffer.from(sample.text), false).findings.length > 0) found++;
    }
    console.log(`gitleaks.toml rules that load: ${found}/${tps} of their visible true-positive samples found`);
    expect(found / tps).toBeGreaterThanOrEqual(0.95);
  });
});
