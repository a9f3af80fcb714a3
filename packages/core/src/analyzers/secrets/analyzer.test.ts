import { describe, expect, it } from 'vitest';
import type { EntryHeader } from '../../layers/entry.js';
import { SekishoError } from '../../errors.js';
import { createSecretsAnalyzer, MAX_SCAN_BYTES, MAX_SELECT_SIZE, selectsForSecrets } from './analyzer.js';
import { scanConfigStrings } from './config-strings.js';
import { B32, B62, B64, randomBytes, randomString } from './__fixtures__/generate.js';
import type { SecretAnalyzerFinding } from './types.js';

const r = randomString('analyzer-test');
const GHP = `ghp_${r(B62, 36)}`;
const AWS_ID = `AKIA${r(B32, 16)}`;
const AWS_SECRET = r(B64, 40);

function entry(path: string, size: number, kind: EntryHeader['kind'] = 'file'): EntryHeader {
  return { path, kind, mode: 0o644, uid: 0, gid: 0, size, linkTarget: null, mtime: 0 };
}

async function analyze(path: string, body: Buffer, truncated = false, size = body.length) {
  const analyzer = createSecretsAnalyzer();
  const out = await analyzer.analyze(entry(path, size), body, truncated, { layerIndex: 0 });
  return { findings: out.findings as SecretAnalyzerFinding[], facts: out.facts };
}

describe('selection', () => {
  it.each([
    ['/app/.env', 100, true],
    ['/app/.env.production', 100, true],
    ['/root/.bash_history', 100, true],
    ['/root/.docker/config.json', 100, true],
    ['/app/src/index.js', 100, true],
    ['/usr/bin/curl', 100, false], // a distribution tree: read only with distroTrees
    ['/usr/local/bin/tool', 100, true],
    ['/proc/self/environ', 100, false],
    ['/usr/lib/x86_64-linux-gnu/libssl.so.3', 100, false],
    ['/app/static/logo.PNG', 100, false],
    ['/usr/share/doc/git/README', 100, false],
    ['/app/data.bin', 100, false],
    ['/app/empty.txt', 0, false],
    ['/app/huge.log', MAX_SELECT_SIZE + 1, false],
  ])('%s (%d bytes) → %s', (path, size, expected) => {
    expect(selectsForSecrets(entry(path, size))).toBe(expected);
  });

  it('selects regular files only', () => {
    expect(selectsForSecrets(entry('/app/.env', 10, 'symlink'))).toBe(false);
    expect(selectsForSecrets(entry('/app', 10, 'dir'))).toBe(false);
  });

  it('declares its identity and body limit', () => {
    const analyzer = createSecretsAnalyzer();
    expect([analyzer.id, analyzer.maxBodySize]).toEqual(['secrets', MAX_SCAN_BYTES]);
    expect(analyzer.wantsBody(entry('/app/.env', 10))).toBe(true);
  });
});

describe('options', () => {
  it('rejects unknown disabled rules and unsafe extra rules with CONFIG_INVALID', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof SekishoError ? error.code : 'other';
      }
      return undefined;
    };
    expect(code(() => createSecretsAnalyzer({ disabledRules: ['no-such-rule'] }))).toBe('CONFIG_INVALID');
    const unsafe = { id: 'acme-token', title: 't', description: 'd', severity: 'high' as const, regex: '(a+)+b', keywords: ['acme'] };
    expect(code(() => createSecretsAnalyzer({ extraRules: [unsafe] }))).toBe('CONFIG_INVALID');
    expect(code(() => createSecretsAnalyzer({ extraRules: [{ ...unsafe, id: 'github-pat', regex: 'acme_[a-z]{8}' }] }))).toBe('CONFIG_INVALID');
  });

  it('runs extra rules and skips disabled ones', async () => {
    const extra = { id: 'acme-token', title: 'ACME token', description: 'd', severity: 'high' as const, regex: '(?<secret>acme_[a-z0-9]{24})', keywords: ['acme_'] };
    const analyzer = createSecretsAnalyzer({ extraRules: [extra], disabledRules: ['github-pat'] });
    const text = `A=acme_${r('abcdefghijklmnopqrstuvwxyz0123456789', 24)}\nB=${GHP}\n`;
    const out = await analyzer.analyze(entry('/app/x.conf', text.length), Buffer.from(text), false, { layerIndex: 0 });
    expect(out.findings.map((f) => f.ruleId)).toEqual(['acme-token']);
  });
});

describe('files', () => {
  it('reports path, line, redacted match and why', async () => {
    const { findings } = await analyze('/app/.env', Buffer.from(`# ci\nDEBUG=1\nGITHUB_TOKEN=${GHP}\n`));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'secret', ruleId: 'github-pat', path: '/app/.env', line: 3, match: 'ghp_…(40 chars)', foundBy: 'secrets' });
    expect(findings[0]?.description).toContain('github-pat');
  });

  it('finds AWS pairs in files and keeps lone ids', async () => {
    const pair = await analyze('/root/.aws/credentials', Buffer.from(`[default]\naws_access_key_id=${AWS_ID}\naws_secret_access_key=${AWS_SECRET}\n`));
    expect(pair.findings.map((f) => f.ruleId)).toEqual(['aws-access-key-pair']);
    const lone = await analyze('/app/a.txt', Buffer.from(`id: ${AWS_ID}\n`));
    expect(lone.findings.map((f) => [f.ruleId, f.severity])).toEqual([['aws-access-key-id', 'high']]);
  });

  it('notes a truncated body', async () => {
    const { facts } = await analyze('/app/big.log', Buffer.from('hello\n'), true, 10_000_000);
    expect(facts).toEqual([{ analyzer: 'secrets', path: '/app/big.log', value: expect.stringContaining('first 6 of 10000000 bytes') as unknown }]);
  });

  it('scans at most MAX_SCAN_BYTES of a body handed over whole', async () => {
    const body = Buffer.concat([Buffer.alloc(MAX_SCAN_BYTES, 0x20), Buffer.from(`\nT=${GHP}\n`)]);
    const { findings, facts } = await analyze('/app/padded.txt', body);
    expect(findings).toEqual([]);
    expect(facts).toHaveLength(1);
  });

  it('ignores empty and missing bodies', async () => {
    const analyzer = createSecretsAnalyzer();
    expect(await analyzer.analyze(entry('/a', 0), null, false, { layerIndex: 0 })).toEqual({ findings: [], facts: [] });
    expect(await analyzer.analyze(entry('/a', 0), Buffer.alloc(0), false, { layerIndex: 0 })).toEqual({ findings: [], facts: [] });
  });
});

describe('bad input', () => {
  it('skips text rules on binaries but runs the rules that opt in', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes('elf', 4000), Buffer.from(`\0${GHP}\0password = "${r(B62, 20)}"\0`), randomBytes('elf2', 4000)]);
    const { findings } = await analyze('/usr/local/bin/tool', elf);
    expect(findings.map((f) => [f.ruleId, f.line])).toEqual([['github-pat', null]]);
  });

  it('treats random bytes named .txt as binary', async () => {
    const { findings } = await analyze('/app/notes.txt', Buffer.concat([randomBytes('noise', 9000), Buffer.from(`\nDB_PASSWORD=${r(B62, 20)}\n`)]));
    expect(findings).toEqual([]);
  });

  it('reads UTF-16 with a byte-order mark', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`line one\r\nTOKEN=${GHP}\r\n`, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect((await analyze('/app/win.ini', le)).findings.map((f) => [f.ruleId, f.line])).toEqual([['github-pat', 2]]);
    expect((await analyze('/app/win-be.ini', be)).findings.map((f) => [f.ruleId, f.line])).toEqual([['github-pat', 2]]);
  });

  it('reads Latin-1 text', async () => {
    const text = Buffer.concat([Buffer.from('Caf\xe9 cr\xe8me na\xefve r\xe9sum\xe9\n', 'latin1'), Buffer.from(`token ${GHP}\n`)]);
    expect((await analyze('/app/menu.txt', text)).findings.map((f) => [f.ruleId, f.line])).toEqual([['github-pat', 2]]);
  });

  it('handles a 2 MiB single line full of keywords without unbounded work', async () => {
    const unit = `password=${r(B62, 6)}&token="${r(B62, 3)}&-----BEGIN RSA PRIVATE KEY-----eyJ.`;
    const line = Buffer.from(unit.repeat(Math.ceil(MAX_SCAN_BYTES / unit.length)).slice(0, MAX_SCAN_BYTES));
    const { findings, facts } = await analyze('/app/minified.js', line);
    expect(findings.length).toBeLessThanOrEqual(100);
    expect(facts.filter((f) => f.value.includes('first'))).toEqual([]);
  });

  it('caps findings per file and says how many were left out', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `T${i}=ghp_${randomString(`t${i}`)(B62, 36)}`).join('\n');
    const { findings, facts } = await analyze('/app/tokens.txt', Buffer.from(many));
    expect(findings).toHaveLength(100);
    expect(facts.map((f) => f.value)).toEqual(['secrets: 50 more findings in this file were not reported']);
  });
});

describe('image config strings', () => {
  it('pairs AWS credentials across Env entries and finds build args in history', () => {
    const npm = `npm_${r(B62, 36)}`;
    const findings = scanConfigStrings([
      { where: 'env', key: 'PATH', value: '/usr/local/bin:/usr/bin', index: 0 },
      { where: 'env', key: 'AWS_ACCESS_KEY_ID', value: AWS_ID, index: 1 },
      { where: 'env', key: 'AWS_SECRET_ACCESS_KEY', value: AWS_SECRET, index: 2 },
      { where: 'label', key: 'org.opencontainers.image.source', value: 'https://github.com/acme/app' },
      { where: 'history', key: '', value: `RUN |1 NPM_TOKEN=${npm} /bin/sh -c npm ci`, index: 5 },
    ]);
    expect(findings.map((f) => [f.ruleId, f.path, f.line])).toEqual([
      ['aws-access-key-pair', 'config:Env[1]', null],
      ['npm-access-token', 'config:history[5].created_by', null],
    ]);
    expect(findings[0]?.description).toContain('config:Env[2]');
    const json = JSON.stringify(findings);
    expect(json).not.toContain(AWS_SECRET.slice(4, 12));
    expect(json).not.toContain(npm.slice(4, 12));
  });

  it('shows secrets only when asked', () => {
    const items = [{ where: 'label' as const, key: 'ci.token', value: GHP }];
    expect(scanConfigStrings(items)[0]?.match).toBe('ghp_…(40 chars)');
    expect(scanConfigStrings(items, { showSecrets: true })[0]).toMatchObject({ match: GHP, path: 'config:Labels["ci.token"]' });
  });
});

describe('secrets: distribution trees', () => {
  const header = (path: string) => ({ path, kind: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: 100, linkTarget: null, mtime: 0 });
  it.each([
    ['/usr/lib/python3/dist-packages/x/config.py', false],
    ['/usr/lib/python3.11/email/utils.py', false],
    ['/usr/bin/some-tool', false],
    ['/usr/share/nodejs/npm/lib/x.js', false],
    ['/usr/lib/python3.11/site-packages/app/settings.py', true],
    ['/usr/local/lib/python3.11/dist-packages/app/settings.py', true],
    ['/usr/local/bin/deploy.sh', true],
    ['/app/.env', true],
    ['/etc/app/config.yaml', true],
  ])('%s selected by default: %s', (path, expected) => {
    expect(selectsForSecrets(header(path))).toBe(expected);
    expect(selectsForSecrets(header(path), true)).toBe(true);
  });
});
