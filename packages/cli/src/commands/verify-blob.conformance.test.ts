/**
 * sigstore-conformance bundle-verification cases (../shared/conformance/sigstore/, see its README):
 * each case runs through `sekisho verify-blob` twice — with the artifact file and with
 * `sha256:<hex>` — and must verify exactly when the case is a pass case. Skipped when the shared
 * folder is absent (an error when SEKISHO_REQUIRE_FIXTURES=1). SIGSTORE_CONFORMANCE_VERBOSE=1 prints each outcome with its reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSekishoError } from '@sekisho/core';
import { sharedFile } from '@sekisho/testkit';
import { verifyBlobCommand } from './verify-blob.js';

const indexFile = sharedFile('conformance', 'sigstore', 'index.json');
const suiteDir = path.dirname(indexFile ?? '.');

interface ConformanceCase {
  readonly name: string;
  readonly expected: 'pass' | 'fail';
  readonly bundle: string;
  readonly artifact: string;
  readonly artifact_sha256: string;
  readonly verify_with: 'certificate-identity' | 'key';
  readonly certificate_identity?: string;
  readonly certificate_oidc_issuer?: string;
  readonly key?: string;
  readonly trusted_root: string;
}

type Mode = 'file' | 'digest';

async function run(c: ConformanceCase, mode: Mode): Promise<{ verified: boolean; output: string; error?: string }> {
  let output = '';
  const command = verifyBlobCommand({ stdout: (text) => (output += text) }).exitOverride();
  const at = (p: string): string => path.join(suiteDir, p);
  const args = ['--bundle', at(c.bundle), '--trusted-root', at(c.trusted_root)];
  if (c.verify_with === 'key') args.push('--key', at(c.key ?? ''));
  else args.push('--certificate-identity', c.certificate_identity ?? '', '--certificate-oidc-issuer', c.certificate_oidc_issuer ?? '');
  args.push(mode === 'file' ? at(c.artifact) : `sha256:${c.artifact_sha256}`);
  try {
    await command.parseAsync(args, { from: 'user' });
    return { verified: true, output };
  } catch (error) {
    // Only SekishoErrors are verification outcomes; anything else is a crash and fails the test.
    if (!isSekishoError(error)) throw error;
    return { verified: false, output, error: `${error.code} ${error.message}` };
  }
}

describe.skipIf(indexFile === null)('sigstore-conformance bundle verification through verify-blob', () => {
  it('gets every case right, with the artifact file and with its digest', async () => {
    const index = JSON.parse(readFileSync(path.join(suiteDir, 'index.json'), 'utf8')) as { cases: ConformanceCase[] };
    expect(index.cases.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    const agreed: Record<Mode, number> = { file: 0, digest: 0 };
    for (const c of index.cases) {
      for (const mode of ['file', 'digest'] as const) {
        const result = await run(c, mode);
        const want = c.expected === 'pass';
        if (process.env.SIGSTORE_CONFORMANCE_VERBOSE) console.log(c.name, mode, result.error ?? 'OK');
        if (result.verified === want) agreed[mode]++;
        else wrong.push(`${c.name} [${mode}] expected ${c.expected}, got ${result.verified ? 'verified' : (result.error ?? 'failure')}`);
        if (result.verified) expect(result.output).toBe('Verified OK\n');
        else expect(result.output).toBe('');
      }
    }
    const total = index.cases.length;
    console.log(`sigstore-conformance: file ${agreed.file}/${total}, digest ${agreed.digest}/${total}` + (wrong.length > 0 ? `\n  ${wrong.join('\n  ')}` : ''));
    expect(wrong).toEqual([]);
  });
});
