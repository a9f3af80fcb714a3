import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { repoRoot, requiredTestData, sharedDir } from '@sekisho/testkit';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * docs/ci.md's GitHub Actions and GitLab CI examples, run: every `run:` of a GitHub step and every
 * line of a GitLab `script:` is executed as written, with bash, against the bundled example image,
 * replacing only the variables listed in VARIABLES. The CI platform's own tools (gh, curl to the
 * GitLab API, npm install of the published package) are stubs that check their arguments; `sekisho`
 * is the built CLI (`npm run build` first: without it the test is skipped, or fails with
 * SEKISHO_REQUIRE_FIXTURES=1). A command that fails, or a variable the list does not know, fails.
 */
const ROOT = repoRoot();
// The installed command (bin/sekisho.js, which runs the bundle the build writes).
const MAIN = requiredTestData(join(ROOT, 'packages', 'cli', 'dist', 'bundle', 'main.js'), 'file', 'run npm run build') === null ? null : join(ROOT, 'packages', 'cli', 'bin', 'sekisho.js');
const FEEDS = sharedDir('feeds', 'npm-nsp');
const IMAGE = join(ROOT, 'examples', 'hello-app.oci.tar');
if (MAIN === null) console.warn('ci-examples.test.ts skipped: packages/cli/dist/bundle/main.js is missing (npm run build)');

/** The only replacements: the variables the examples use, as a pipeline would set them. */
const VARIABLES: Readonly<Record<string, string>> = {
  IMAGE,
  BASE_IMAGE: IMAGE,
  SEKISHO_FEEDS: FEEDS ?? '/missing',
  SEKISHO_PACKAGE: 'sekisho@0.1',
  PR_NUMBER: '42',
  GITLAB_TOKEN: 'glpat-test',
  CI_API_V4_URL: 'https://gitlab.example/api/v4',
  CI_PROJECT_ID: '7',
  CI_MERGE_REQUEST_IID: '42',
};

/** Expected exit codes: the gate fails prod on the example image (see the test below); everything else succeeds. */
const expectedExit = (command: string): number => (command.includes('--policy sekisho.yaml --env prod') ? 1 : 0);

interface Example {
  readonly platform: string;
  readonly commands: readonly string[];
}

/** The fenced YAML blocks of docs/ci.md, and the shell commands in them. */
function examples(): Example[] {
  const text = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
  const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parse(m[1] ?? '') as Record<string, unknown>);
  return blocks.map((doc) => {
    const jobs = doc['jobs'] as Record<string, { steps?: { run?: string }[] }> | undefined;
    if (jobs !== undefined) return { platform: 'GitHub Actions', commands: Object.values(jobs).flatMap((j) => (j.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run]))) };
    const commands = Object.values(doc).flatMap((job) => (typeof job === 'object' && job !== null && Array.isArray((job as { script?: unknown }).script) ? (job as { script: string[] }).script : []));
    return { platform: 'GitLab CI', commands };
  });
}

/** `$NAME` and `${NAME}` replaced from VARIABLES; an unknown variable is an error. */
function substitute(command: string): string {
  return command.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => {
    const value = VARIABLES[name];
    if (value === undefined) throw new Error(`docs/ci.md uses $${name}, which the test's VARIABLES do not list: ${command}`);
    return value;
  });
}

const POLICY = readFileSync(join(ROOT, 'docs', 'policy.md'), 'utf8').match(/^```yaml\n([\s\S]*?)^```$/m)?.[1] ?? '';

let dir = '';
let bin = '';
beforeAll(() => {
  if (MAIN === null) return;
  dir = mkdtempSync(join(tmpdir(), 'sekisho-ci-examples-'));
  bin = join(dir, 'bin');
  const script = (name: string, body: string): void => {
    const file = join(bin, name);
    writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(file, 0o755);
  };
  mkdirSync(bin);
  script('sekisho', `exec "${process.execPath}" "${MAIN}" "$@"`);
  // the platform's tools: they check their arguments and log them
  script('npm', `[ "$1 $2 $3" = "install --global sekisho@0.1" ] || { echo "unexpected npm $*" >&2; exit 2; }; echo "npm $*" >> "${dir}/calls.log"`);
  script('gh', `[ "$1 $2" = "pr comment" ] && [ -s compare.md ] || { echo "unexpected gh $*" >&2; exit 2; }; echo "gh $*" >> "${dir}/calls.log"`);
  script('curl', `case "$*" in *body@compare.md*/merge_requests/42/notes*) [ -s compare.md ] && echo "curl $*" >> "${dir}/calls.log" ;; *) echo "unexpected curl $*" >&2; exit 2 ;; esac`);
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(MAIN === null)('docs/ci.md: every CI command runs against examples/hello-app.oci.tar', () => {
  it('finds a GitHub Actions and a GitLab CI example, each with a SARIF scan, a markdown compare and the prod policy gate', () => {
    const found = examples();
    expect(found.map((e) => e.platform)).toEqual(['GitHub Actions', 'GitLab CI']);
    for (const e of found) {
      expect(e.commands.some((c) => c.includes('--format sarif'))).toBe(true);
      expect(e.commands.some((c) => c.startsWith('sekisho compare') && c.includes('--format markdown'))).toBe(true);
      expect(e.commands.some((c) => c.includes('--policy sekisho.yaml --env prod'))).toBe(true);
    }
    expect(existsSync(IMAGE)).toBe(true);
  });

  for (const example of examples()) {
    it(`${example.platform}: each command exits as expected`, { timeout: 300_000 }, () => {
      const cwd = mkdtempSync(join(dir, 'job-'));
      writeFileSync(join(cwd, 'sekisho.yaml'), POLICY);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: [bin, dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
        SEKISHO_CACHE_DIR: join(cwd, '.cache'),
        SOURCE_DATE_EPOCH: '1764979200',
      };
      delete env['SEKISHO_DB'];
      for (const command of example.commands) {
        const run = spawnSync('bash', ['-euo', 'pipefail', '-c', substitute(command)], { cwd, env, encoding: 'utf8', timeout: 240_000 });
        expect({ command, status: run.status, stderr: run.status === expectedExit(command) ? '' : run.stderr }).toEqual({ command, status: expectedExit(command), stderr: '' });
      }
      // what the steps left behind: SARIF, the markdown comment, the JUnit report with the policy suite
      const sarifFile = example.platform === 'GitLab CI' ? 'gl-sekisho.sarif' : 'sekisho.sarif';
      const sarif = JSON.parse(readFileSync(join(cwd, sarifFile), 'utf8')) as { version: string };
      expect(sarif.version).toBe('2.1.0');
      expect(readFileSync(join(cwd, 'compare.md'), 'utf8')).toMatch(/^#/);
      const junit = readFileSync(join(cwd, 'sekisho-junit.xml'), 'utf8');
      expect(junit).toContain('<testsuite name="policy"');
      expect(junit).toContain('<property name="result" value="fail"/>');
    });
  }

  it('the platform tools were called: the comment posted from compare.md', () => {
    const calls = readFileSync(join(dir, 'calls.log'), 'utf8');
    expect(calls).toMatch(/^gh pr comment 42 /m);
    expect(calls).toMatch(/^curl .*merge_requests\/42\/notes/m);
    expect(calls).toMatch(/^npm install --global sekisho@0\.1$/m);
  });
});
