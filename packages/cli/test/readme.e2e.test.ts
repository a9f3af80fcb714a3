/**
 * The README's first screen on a fresh machine: clone the repository, run exactly the README's
 * install command, then the installed `npx sekisho` — the way a newcomer meets the project. A
 * bin link made before dist/ existed once left `npx sekisho` missing after a correct install.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
/** Only where the repository is a git checkout with its history (CI's clean clone, a developer's tree). */
const isCheckout = existsSync(join(ROOT, '.git'));

/** The README's install command: the first line of the first `sh` block that is not a comment. */
export function readmeInstallCommand(readme: string): string {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const line = block.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (line === undefined) throw new Error('README has no install command in its first sh block');
  return line.trim();
}

/** Every command line of the README's "Using it" block, without its trailing comment, in order. */
export function readmeUsageCommands(readme: string): string[] {
  const section = readme.split(/^## Using it$/m)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe.skipIf(!isCheckout)('the README on a fresh clone', () => {
  let clone = '';
  beforeAll(async () => {
    clone = join(await mkdtemp(join(tmpdir(), 'sekisho-readme-')), 'repo');
    await run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    if (clone !== '') await rm(resolve(clone, '..'), { recursive: true, force: true });
  });

  it('the install command works and then `npx sekisho` is there, on the bundled example', async () => {
    const readme = await readFile(join(clone, 'README.md'), 'utf8');
    const install = readmeInstallCommand(readme);
    expect(install).toBe('npm ci && npm run build && npm run example');
    // The cache of this run, not the machine's: the first scan must not find a database by accident.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(clone, '.cache'), SEKISHO_CACHE_DIR: join(clone, '.cache', 'sekisho'), NO_COLOR: '1' };
    delete env['SEKISHO_DB'];
    const installed = await run('bash', ['-c', install], { cwd: clone, env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    expect(installed.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    expect(existsSync(join(clone, 'node_modules', '.bin', 'sekisho'))).toBe(true);

    const version = await run('npx', ['sekisho', '--version'], { cwd: clone, env, timeout: 120_000 });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const sbom = await run('npx', ['sekisho', 'sbom', 'examples/hello-app.oci.tar', '--format', 'cyclonedx-json', '-o', 'sbom.json'], { cwd: clone, env, timeout: 300_000 });
    expect(sbom.stderr).not.toMatch(/not found/);
    const rescan = await run('npx', ['sekisho', 'sbom-scan', 'sbom.json', '--format', 'json', '--no-vulnerabilities'], { cwd: clone, env, timeout: 300_000 });
    expect((JSON.parse(rescan.stdout) as { packages: { name: string }[] }).packages.map((p) => p.name)).toEqual(expect.arrayContaining(['libssl3', 'lodash', 'minimist']));
  }, 1_200_000);

  it('every "Using it" line that needs no network works as written, on inputs made from the bundled example', async () => {
    const readme = await readFile(join(clone, 'README.md'), 'utf8');
    const commands = readmeUsageCommands(readme);
    const unknown = commands.filter((c) => !(c in USAGE));
    expect(unknown, 'a README "Using it" line without a recipe below: add one (or a reason it needs the network)').toEqual([]);
    const tools = ['skopeo', 'umoci', 'git'].filter((t) => !onPath(t));
    if (tools.length > 0) {
      if (process.env['SEKISHO_REQUIRE_FIXTURES'] === '1') throw new Error(`README usage e2e needs ${tools.join(', ')}`);
      return;
    }
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(clone, '.cache'), SEKISHO_CACHE_DIR: join(clone, '.cache', 'sekisho'), NO_COLOR: '1' };
    delete env['SEKISHO_DB'];
    const use = join(clone, 'use');
    await prepareUsageInputs(clone, use, env);
    // `db build --from ./feeds` first: the image lines then find a database and never reach for the network.
    const ordered = [...commands].sort((a, b) => Number(b.includes('db build')) - Number(a.includes('db build')));
    const ran: string[] = [];
    for (const command of ordered) {
      const recipe = USAGE[command];
      if (recipe === undefined || recipe.skip !== undefined) continue;
      const result = await runShell(command, use, env);
      expect((recipe.exitCodes ?? [0]).includes(result.code), `${command} exited ${result.code}: ${result.stderr.slice(0, 2000)}`).toBe(true);
      expect(result.stderr, command).not.toMatch(/not found|internal error/i);
      recipe.check?.(result.stdout, use);
      ran.push(command);
    }
    expect(ran.length).toBeGreaterThanOrEqual(commands.length - Object.values(USAGE).filter((r) => r.skip !== undefined).length);
  }, 1_200_000);
});

interface UsageRecipe {
  /** Why the line is not run here (it needs the network or material this test cannot make). */
  readonly skip?: string;
  /** Exit codes that mean "worked" (a gate may fail on the example's real findings). */
  readonly exitCodes?: readonly number[];
  readonly check?: (stdout: string, dir: string) => void;
}

/** One entry per README "Using it" line, keyed by the line as written. */
const USAGE: Readonly<Record<string, UsageRecipe>> = {
  'npx sekisho image ./image.tar': { check: (out) => expect(out).toMatch(/lodash|minimist|libssl3/) },
  'npx sekisho image registry.example.com/team/app:1.2': { skip: 'needs a registry on the network (registry.test.ts runs a real registry)' },
  'npx sekisho sbom oci:./layout:tag --format cyclonedx-json -o sbom.json': {
    check: (_out, dir) => expect(JSON.parse(readFileSync(join(dir, 'sbom.json'), 'utf8'))).toMatchObject({ bomFormat: 'CycloneDX' }),
  },
  'npx sekisho sbom oci-archive:./image.oci.tar --format spdx-json': { check: (out) => expect(JSON.parse(out)).toMatchObject({ spdxVersion: 'SPDX-2.3' }) },
  'npx sekisho sbom dir:./rootfs': { check: (out) => expect(out).toMatch(/libssl3/) },
  'npx sekisho fs .': {},
  'npx sekisho repo ./checkout --skip-dirs testdata': { check: (out) => expect(out).toMatch(/npm packages +│ npm +│ [1-9]/) },
  'npx sekisho sbom ./image.tar --platform linux/arm64': {
    skip: 'needs a multi-platform index; a single-platform archive asked for another platform is refused (exit 3), as platform-selection tests check',
  },
  'npx sekisho db update': { skip: 'downloads the feeds from the network (db.test.ts runs it against a local mirror)' },
  'npx sekisho db build --from ./feeds': {},
  'npx sekisho sbom-scan sbom.cdx.json': { check: (out) => expect(out).toMatch(/lodash|minimist|libssl3/) },
  'npx sekisho config k8s/ Dockerfile compose.yaml': { exitCodes: [0, 1], check: (out) => expect(out).toMatch(/privileged/i) },
  'npx sekisho policy evaluate report.json --policy sekisho.yaml --env prod': { exitCodes: [0, 1], check: (out) => expect(out).toMatch(/grade|Grade/) },
  'npx sekisho compare old.json new.json --format markdown': { check: (out) => expect(out).toMatch(/^#/m) },
  'npx sekisho recommend ./image.tar --base-candidates oci:./layout:tag': { check: (out) => expect(out).toMatch(/lodash 4\.17\.15 -> 4\.17\.19[\s\S]*Base image/) },
  'npx sekisho host --facts-out node.json': { check: (_out, dir) => expect(JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'))).toMatchObject({ kernel: expect.anything() }) },
  'npx sekisho function fn.zip --config template.yaml': {
    check: (out) => {
      expect(out).toMatch(/Runtime nodejs16\.x is/);
      expect(out).toMatch(/Function URL without/);
    },
  },
  'npx sekisho server': { skip: 'runs until stopped (server.test.ts starts it, pushes a scan and reads the dashboard)' },
  'npx sekisho sign --key cosign.key REF && npx sekisho verify --key cosign.pub REF': { skip: 'signs an image in a registry (sign-verify.test.ts runs it against a real registry)' },
  'npx sekisho verify-blob --bundle a.sigstore.json --certificate-identity ID --certificate-oidc-issuer ISS --trusted-root root.json a.txt': {
    skip: "needs a real sigstore bundle and trusted root (verify-blob.conformance.test.ts runs sigstore's own cases)",
  },
};

function onPath(tool: string): boolean {
  return (process.env['PATH'] ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

async function runShell(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('bash', ['-c', command], { cwd, env, timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

/** The files the README's lines name, made from the bundled example with real tools (skopeo, umoci, git). */
async function prepareUsageInputs(clone: string, use: string, env: NodeJS.ProcessEnv): Promise<void> {
  const example = join(clone, 'examples', 'hello-app.oci.tar');
  await mkdir(use, { recursive: true });
  await cp(join(clone, 'examples', 'advisories'), join(use, 'feeds'), { recursive: true });
  await cp(example, join(use, 'image.oci.tar'));
  await run('skopeo', ['copy', '--quiet', `oci-archive:${example}`, 'docker-archive:image.tar:hello-app:1'], { cwd: use, timeout: 120_000 });
  await run('skopeo', ['copy', '--quiet', `oci-archive:${example}`, 'oci:layout:tag'], { cwd: use, timeout: 120_000 });
  await run('umoci', ['raw', 'unpack', '--rootless', '--image', 'layout:tag', 'rootfs'], { cwd: use, timeout: 120_000 });

  const checkout = join(use, 'checkout');
  await mkdir(join(checkout, 'testdata'), { recursive: true });
  const lock = (name: string, version: string) =>
    JSON.stringify({
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { [name]: version } },
        [`node_modules/${name}`]: { version, resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz` },
      },
    });
  await writeFile(join(checkout, 'package-lock.json'), lock('left-pad', '1.3.0'));
  await writeFile(join(checkout, 'testdata', 'package-lock.json'), lock('minimist', '0.0.8'));
  await run('git', ['init', '--quiet'], { cwd: checkout });

  // A Lambda deployment package: the example's application with its node_modules, zipped by Python's zipfile.
  const zip =
    'import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED)\nfor r,_,fs in os.walk(sys.argv[1]):\n  for f in fs:\n    p=os.path.join(r,f); z.write(p, os.path.relpath(p, sys.argv[1]))\nz.close()\n';
  await run('python3', ['-c', zip, join(use, 'rootfs', 'app'), join(use, 'fn.zip')]);
  await writeFile(
    join(use, 'template.yaml'),
    'Transform: AWS::Serverless-2016-10-31\nResources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs16.x\n      Handler: index.handler\n      FunctionUrlConfig: { AuthType: NONE }\n',
  );

  await mkdir(join(use, 'k8s'), { recursive: true });
  await writeFile(
    join(use, 'k8s', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: nginx:1.25\n      securityContext: { privileged: true }\n',
  );
  await writeFile(join(use, 'Dockerfile'), 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCMD ["curl", "--version"]\n');
  await writeFile(join(use, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.25\n    privileged: true\n');
  await writeFile(
    join(use, 'sekisho.yaml'),
    'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: readme }\nrules:\n  no-critical: { kind: vulnerabilities, severity: critical, action: fail }\n  secrets: { kind: secrets, action: fail }\nenvironments:\n  prod:\n    rules:\n      no-critical: { severity: high }\n',
  );
  // The reports the policy and compare lines read; the example database is built first by its own README line.
  const cli = (args: string[]) => run('npx', ['sekisho', ...args], { cwd: use, env, timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
  await cli(['db', 'build', '--from', './feeds']);
  await cli(['image', './image.tar', '--format', 'json', '-o', 'report.json']);
  await cli(['image', './image.tar', '--format', 'json', '-o', 'old.json']);
  await cli(['image', 'oci-archive:./image.oci.tar', '--format', 'json', '-o', 'new.json']);
  await cli(['sbom', './image.tar', '--format', 'cyclonedx-json', '-o', 'sbom.cdx.json']);
}
