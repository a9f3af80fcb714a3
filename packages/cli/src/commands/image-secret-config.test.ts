import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-secret-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('sekisho image --secret-config', () => {
  it('refuses a rule file with an unsafe pattern with exit code 8, naming the rule', async () => {
    const file = path.join(dir, 'gitleaks.toml');
    writeFileSync(file, `[[rules]]\nid = "catastrophic"\nregex = '''(a+)+b'''\nkeywords = ["a"]\n`);
    let err = '';
    const code = await runCli(['image', path.join(dir, 'no-such-image'), '--scanners', 'secret', '--secret-config', file], {
      stdout: () => undefined,
      stderr: (text) => (err += text),
      isTty: false,
    });
    expect(code).toBe(8);
    expect(err).toContain("rule 'catastrophic'");
  });
});
