import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile, TEST_CATALOG_CONTEXT as CTX } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import type { CatalogOutput } from '../types.js';
import { githubActionsUsageCataloger, githubActionWorkflowUsageCataloger } from './index.js';
import { commentVersion, dockerPurl, githubPurl, parseUse } from './uses.js';
import { parsedWorkflow } from './workflow.js';

const WORKFLOW = '/src/app/.github/workflows/validations.yaml';
const COMPOSITE = '/src/app/.github/actions/bootstrap/action.yaml';

const rows = (out: CatalogOutput): [string, string, string, string | null][] => out.packages.map((p) => [p.type, p.name, p.version, p.purl]);
const sorted = <T>(list: T[]): T[] => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const MULTI_JOB = `name: "Validations"
on:
  push:
    branches: [main]
jobs:
  Static-Analysis:
    # changing this job name requires the same update elsewhere
    runs-on: ubuntu-20.04
    steps:
      - uses: actions/checkout@v4
      - name: Bootstrap environment
        uses: ./.github/actions/bootstrap
      - name: Run static analysis
        run: make static-analysis
  Unit-Test:
    runs-on: ubuntu-20.04
    steps:
      - uses: actions/checkout@v4
      - name: Bootstrap environment
        uses: ./.github/actions/bootstrap
      - name: Restore Java cache
        uses: actions/cache@v3
        with:
          path: java/packages
          key: \${{ runner.os }}-unit-java-cache-\${{ hashFiles('java/cache.fingerprint') }}
      - name: Restore RPM cache
        uses: actions/cache@v3
  Build:
    runs-on: ubuntu-20.04
    steps:
      - uses: actions/cache/save@v3
        with:
          path: snapshot
  Acceptance:
    needs: [Build]
    runs-on: macos-latest
    steps:
      - name: Download snapshot build
        uses: actions/cache/restore@v3
`;

const CALL_SHARED = `jobs:
  call-workflow-1-in-local-repo:
    uses: octo-org/this-repo/.github/workflows/workflow-1.yml@172239021f7ba04fe7327647b213799853a9eb89
  call-workflow-2-in-local-repo:
    uses: ./.github/workflows/workflow-2.yml
  call-workflow-in-another-repo:
    uses: octo-org/another-repo/.github/workflows/workflow.yml@v1
  unit-test:
    runs-on: ubuntu-20.04
    steps:
      - uses: actions/checkout@v4
      - name: Bootstrap environment
        run: make unit
`;

const COMPOSITE_ACTION = `name: "Bootstrap"
description: "Bootstrap all tools and dependencies"
inputs:
  go-version:
    description: "Go version to install"
    default: "1.21.x"
runs:
  using: "composite"
  steps:
    - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    - uses: actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed # v5.1.0
    - uses: actions/setup-go@v4
      with:
        go-version: \${{ inputs.go-version }}
    - name: Restore tool cache
      uses: actions/cache@v3
    - name: Restore go module cache
      uses: actions/cache@v3
    - name: Bootstrap project tools
      shell: bash
      run: make bootstrap-tools
`;

describe('github-actions-usage-cataloger (workflow steps)', () => {
  it('reads every step’s uses once per file: remote actions with a github purl, sub-path actions with a subpath, local actions without a purl', async () => {
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, MULTI_JOB);
    expect(out.unknowns).toEqual([]);
    expect(sorted(rows(out))).toEqual(
      sorted([
        ['github-action', './.github/actions/bootstrap', '', null],
        ['github-action', 'actions/cache', 'v3', 'pkg:github/actions/cache@v3'],
        ['github-action', 'actions/cache/restore', 'v3', 'pkg:github/actions/cache@v3#restore'],
        ['github-action', 'actions/cache/save', 'v3', 'pkg:github/actions/cache@v3#save'],
        ['github-action', 'actions/checkout', 'v4', 'pkg:github/actions/checkout@v4'],
      ]),
    );
    expect(out.packages.every((p) => p.evidence === 'declared' && p.paths[0] === WORKFLOW)).toBe(true);
    expect(out.packages.find((p) => p.name === 'actions/cache/restore')?.metadata).toMatchObject({ fields: { value: 'actions/cache/restore@v3' } });
  });

  it('does not report job-level reusable workflow calls (the workflow cataloger does)', async () => {
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, CALL_SHARED);
    expect(rows(out)).toEqual([['github-action', 'actions/checkout', 'v4', 'pkg:github/actions/checkout@v4']]);
  });

  it('takes a SHA-pinned action’s version from its comment and keeps the statement and comment', async () => {
    const out = await catalogFile(githubActionsUsageCataloger, COMPOSITE, COMPOSITE_ACTION);
    expect(out.unknowns).toEqual([]);
    expect(sorted(rows(out))).toEqual(
      sorted([
        ['github-action', 'actions/checkout', 'v4.2.2', 'pkg:github/actions/checkout@v4.2.2'],
        ['github-action', 'actions/setup-go', 'v5.1.0', 'pkg:github/actions/setup-go@v5.1.0'],
        ['github-action', 'actions/setup-go', 'v4', 'pkg:github/actions/setup-go@v4'],
        ['github-action', 'actions/cache', 'v3', 'pkg:github/actions/cache@v3'],
      ]),
    );
    const checkout = out.packages.find((p) => p.name === 'actions/checkout');
    expect(checkout?.metadata).toMatchObject({ source: 'composite action', fields: { value: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', comment: 'v4.2.2' } });
  });

  it('reads version comments however they are written: no space, quoted values, a comment on the line before a value, a ref that is not a SHA', async () => {
    const text = `jobs:
  build:
    steps:
      - uses: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"   #v4.2.2
      - uses:
          # pinned: v1.7
          docker/login-action@9780b0c442fbb1117ed29e0efdff1e18412f7567
      - uses: actions/setup-node@main # v4.1.0
      - uses: actions/cache@6849a6489940f00c2f30c0fb92c6274307ccb58a # no version here
      - uses: owner/tool@abc1234 # 11bd7190
`;
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, text);
    expect(sorted(out.packages.map((p) => [p.name, p.version, (p.metadata as { fields: Record<string, string> }).fields['comment'] ?? '']))).toEqual(
      sorted([
        ['actions/checkout', 'v4.2.2', 'v4.2.2'],
        ['docker/login-action', 'v1.7', 'v1.7'],
        ['actions/setup-node', 'main', 'v4.1.0'],
        ['actions/cache', '6849a6489940f00c2f30c0fb92c6274307ccb58a', ''],
        ['owner/tool', '11', '11'],
      ]),
    );
  });

  it('reads comments of CRLF files, and flow-style steps without re-reading the line for each', async () => {
    const crlf = 'jobs:\r\n  a:\r\n    steps:\r\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\r\n';
    expect(rows(await catalogFile(githubActionsUsageCataloger, WORKFLOW, crlf))).toEqual([['github-action', 'actions/checkout', 'v4.2.2', 'pkg:github/actions/checkout@v4.2.2']]);
    const flow = `jobs: {a: {steps: [${Array.from({ length: 5000 }, (_, i) => `{uses: o/a${i}@v1}`).join(', ')}]}} # v9`;
    const started = performance.now();
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, flow);
    expect(out.packages).toHaveLength(5000);
    expect(out.packages[0]?.version).toBe('v1');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps docker:// steps as actions named by their image, with an OCI purl when a tag or digest identifies the image', async () => {
    const text = `name: "Docker Actions Test"
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker://ghcr.io/sethvargo/ratchet:latest@sha256:527e78e6d29a9ac306e843cf766afe0604a0b35633f16913d85dd522218e8ca1
      - uses: docker://ghcr.io/some-org/some-action@v1
      - uses: docker://alpine:3.20
      - uses: actions/setup-go@v5
`;
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, text);
    expect(out.unknowns).toEqual([]);
    expect(sorted(rows(out))).toEqual(
      sorted([
        ['github-action', 'actions/checkout', 'v4', 'pkg:github/actions/checkout@v4'],
        [
          'github-action',
          'docker://ghcr.io/sethvargo/ratchet:latest',
          'sha256:527e78e6d29a9ac306e843cf766afe0604a0b35633f16913d85dd522218e8ca1',
          'pkg:oci/ratchet@sha256:527e78e6d29a9ac306e843cf766afe0604a0b35633f16913d85dd522218e8ca1?repository_url=ghcr.io%2Fsethvargo&tag=latest',
        ],
        ['github-action', 'docker://ghcr.io/some-org/some-action', 'v1', null],
        ['github-action', 'docker://alpine:3.20', '', 'pkg:oci/alpine?tag=3.20'],
        ['github-action', 'actions/setup-go', 'v5', 'pkg:github/actions/setup-go@v5'],
      ]),
    );
  });

  it('keeps expressions and other unusual statements as written, without a purl; a statement with two @ is an unknown', async () => {
    const text = `jobs:
  build:
    strategy:
      matrix:
        action: [a/b@v1]
    steps:
      - uses: \${{ matrix.action }}
      - uses: octo/x@v1@v2
      - uses: checkout
`;
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, text);
    expect(sorted(rows(out))).toEqual(
      sorted([
        ['github-action', '${{ matrix.action }}', '', null],
        ['github-action', 'checkout', '', null],
      ]),
    );
    expect(out.unknowns).toEqual([{ path: WORKFLOW, reason: "1 use statement(s) with more than one '@' name no action and were not read" }]);
  });

  it('follows YAML anchors and aliases without expanding them', async () => {
    const text = `jobs:
  a:
    steps: &common
      - uses: &co actions/checkout@v4
      - uses: actions/cache@v3
  b:
    steps: *common
  c:
    steps:
      - uses: *co
`;
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, text);
    expect(sorted(rows(out))).toEqual(
      sorted([
        ['github-action', 'actions/checkout', 'v4', 'pkg:github/actions/checkout@v4'],
        ['github-action', 'actions/cache', 'v3', 'pkg:github/actions/cache@v3'],
      ]),
    );
  });

  it('makes malformed and hostile input an unknown, never an exception; empty and step-less workflows yield nothing', async () => {
    const corrupt = `name: "Validations"\non:\n  push:\n    branches:\n      - main\n\njbs\n\n  Statnapshot\n          key: snapshot-build-\${{ github.run_id }}\n`;
    expect((await catalogFile(githubActionsUsageCataloger, WORKFLOW, corrupt)).unknowns[0]?.reason).toMatch(/^invalid YAML/);
    expect((await catalogFile(githubActionWorkflowUsageCataloger, WORKFLOW, corrupt)).unknowns[0]?.reason).toMatch(/^invalid YAML/);
    const corruptComposite = `name: "Bootstrap"\nints:\n  go-version:\n    descrapt-packages:\n    description: "x"\n\nrns:\n  us all cache fingerprints\n      shell: bash\n`;
    expect((await catalogFile(githubActionsUsageCataloger, COMPOSITE, corruptComposite)).unknowns[0]?.reason).toMatch(/^invalid YAML/);
    expect((await catalogFile(githubActionsUsageCataloger, WORKFLOW, '- a\n- b\n')).unknowns).toEqual([{ path: WORKFLOW, reason: 'workflow is not a YAML map' }]);
    const wrongShapes = await catalogFile(
      githubActionsUsageCataloger,
      WORKFLOW,
      'jobs:\n  a: [1]\n  b:\n    steps: x\n  c:\n    steps:\n      - plain\n      - uses: {x: 1}\n      - uses: a/b@v1\n  d:\n  e: ~\n',
    );
    expect(rows(wrongShapes)).toEqual([['github-action', 'a/b', 'v1', 'pkg:github/a/b@v1']]);
    expect(wrongShapes.unknowns[0]?.reason).toContain('4 entr(ies) not of the workflow form were not read');
    for (const empty of ['', '# nothing\n', 'name: x\n', 'jobs:\n', 'jobs:\n  a:\n    runs-on: x\n', 'runs:\n  using: node20\n  main: index.js\n']) {
      expect(await catalogFile(githubActionsUsageCataloger, WORKFLOW, empty)).toMatchObject({ packages: [], unknowns: [] });
      expect(await catalogFile(githubActionsUsageCataloger, COMPOSITE, empty)).toMatchObject({ packages: [], unknowns: [] });
    }
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\njobs:\n  x:\n    steps: *d\n`;
    const bombed = await catalogFile(githubActionsUsageCataloger, WORKFLOW, bomb);
    expect(bombed.packages).toEqual([]);
    expect(bombed.unknowns[0]?.reason).toContain('not of the workflow form');
    const wide = `s: &s {${Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join(', ')}, uses: a/b@v1}\njobs:\n  x:\n    steps: [${'*s, '.repeat(100_000)}*s]\n`;
    const startedWide = performance.now();
    expect(rows(await catalogFile(githubActionsUsageCataloger, WORKFLOW, wide))).toEqual([['github-action', 'a/b', 'v1', 'pkg:github/a/b@v1']]);
    expect(performance.now() - startedWide).toBeLessThan(10_000);
    const deep = `jobs:\n  x:\n    steps:\n      - uses: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const deepOut = await catalogFile(githubActionsUsageCataloger, WORKFLOW, deep);
    expect(deepOut.packages).toEqual([]);
    expect(deepOut.unknowns).toHaveLength(1);
    const longLine = `jobs:\n  x:\n    steps:\n      - uses: a/b@${'v'.repeat(300_000)} # ${'1'.repeat(300_000)}\n`;
    expect((await catalogFile(githubActionsUsageCataloger, WORKFLOW, longLine)).unknowns[0]?.reason).toContain('uses longer than 2048 characters');
  });

  it('bounds the statements kept per file', async () => {
    const steps = Array.from({ length: 10_005 }, (_, i) => `      - uses: o/a${i}@v1`).join('\n');
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, `jobs:\n  x:\n    steps:\n${steps}\n`);
    expect(out.packages).toHaveLength(10_000);
    expect(out.unknowns).toEqual([{ path: WORKFLOW, reason: '5 use statement(s) past the limit of 10000 per file were not read' }]);
  });

  it('selects workflows and composite actions as Syft’s globs do', async () => {
    const { compileSelector } = await import('../../util/file-selector.js');
    const actions = compileSelector(githubActionsUsageCataloger.selector);
    const workflows = compileSelector(githubActionWorkflowUsageCataloger.selector);
    for (const path of ['/.github/workflows/release.yml', '/src/x/.github/workflows/validations.yaml']) expect([actions(path), workflows(path)]).toEqual([true, true]);
    for (const path of ['/.github/actions/bootstrap/action.yaml', '/src/.github/actions/unbootstrap/action.yml']) expect([actions(path), workflows(path)]).toEqual([true, false]);
    for (const path of ['/.github/workflows/sub/x.yml', '/.github/actions/a/b/action.yml', '/action.yml', '/.github/dependabot.yml']) expect([actions(path), workflows(path)]).toEqual([false, false]);
  });
});

describe('github-action-workflow-usage-cataloger (reusable workflow calls)', () => {
  it('reads each job-level uses: remote workflows with the workflow path as purl subpath, local ones without a purl', async () => {
    const out = await catalogFile(githubActionWorkflowUsageCataloger, WORKFLOW, CALL_SHARED);
    expect(out.unknowns).toEqual([]);
    expect(sorted(rows(out))).toEqual(
      sorted([
        [
          'github-action-workflow',
          'octo-org/this-repo/.github/workflows/workflow-1.yml',
          '172239021f7ba04fe7327647b213799853a9eb89',
          'pkg:github/octo-org/this-repo@172239021f7ba04fe7327647b213799853a9eb89#.github/workflows/workflow-1.yml',
        ],
        ['github-action-workflow', './.github/workflows/workflow-2.yml', '', null],
        ['github-action-workflow', 'octo-org/another-repo/.github/workflows/workflow.yml', 'v1', 'pkg:github/octo-org/another-repo@v1#.github/workflows/workflow.yml'],
      ]),
    );
  });

  it('does not read composite actions', () => {
    expect(githubActionWorkflowUsageCataloger.selector.globs?.some((g) => g.includes('actions/'))).toBe(false);
  });

  it('the two catalogers share one parse of the buffer the walk hands both; changed bytes are parsed again', () => {
    const content = Buffer.from('jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n  b:\n    uses: octo/repo/.github/workflows/w.yml@v1\n');
    const first = parsedWorkflow(content);
    expect(parsedWorkflow(content)).toBe(first);
    const file = { path: '/src/.github/workflows/ci.yml', content, mode: 0o644, layerIndex: 0 };
    const steps = githubActionsUsageCataloger.parse(file, CTX) as CatalogOutput;
    const calls = githubActionWorkflowUsageCataloger.parse(file, CTX) as CatalogOutput;
    expect(steps.packages.map((p) => p.name)).toEqual(['actions/checkout']);
    expect(calls.packages.map((p) => p.name)).toEqual(['octo/repo/.github/workflows/w.yml']);
    content.write('x', content.indexOf('checkout'));
    expect(parsedWorkflow(content)).not.toBe(first);
    expect((githubActionsUsageCataloger.parse(file, CTX) as CatalogOutput).packages.map((p) => p.name)).toEqual(['actions/xheckout']);
  });
});

describe('use statements', () => {
  it('splits name and ref at the @ and types reusable workflows by their path', () => {
    expect(parseUse({ value: 'actions/cache@v3', rawComment: null })).toEqual({ name: 'actions/cache', version: 'v3', comment: '', type: 'github-action' });
    expect(parseUse({ value: './.github/workflows/w.yml', rawComment: null })?.type).toBe('github-action-workflow');
    expect(parseUse({ value: '@v1', rawComment: null })).toBeNull();
    expect(commentVersion('# v4.2.2')).toBe('v4.2.2');
    expect(commentVersion('#ratchet:actions/checkout@v4')).toBe('v4');
    expect(commentVersion('# tag=v1.2.3-rc.1')).toBe('v1.2.3');
    expect(commentVersion('# none')).toBe('');
  });

  it('writes Syft’s purls', () => {
    expect(githubPurl('actions/checkout', 'v4.2.2')).toBe('pkg:github/actions/checkout@v4.2.2');
    expect(githubPurl('actions/checkout', '')).toBe('pkg:github/actions/checkout');
    expect(githubPurl('./.github/actions/bootstrap', '')).toBeNull();
    expect(githubPurl('checkout', 'v1')).toBeNull();
    const digest = 'sha256:527e78e6d29a9ac306e843cf766afe0604a0b35633f16913d85dd522218e8ca1';
    expect(dockerPurl('docker://ghcr.io/sethvargo/ratchet:latest', '')).toBe('pkg:oci/ratchet?repository_url=ghcr.io%2Fsethvargo&tag=latest');
    expect(dockerPurl('docker://ghcr.io/sethvargo/ratchet', '')).toBeNull();
    expect(dockerPurl('docker://ghcr.io/sethvargo/ratchet', digest)).toBe(`pkg:oci/ratchet@${digest}?repository_url=ghcr.io%2Fsethvargo`);
    expect(dockerPurl('docker://ubuntu:22.04', '')).toBe('pkg:oci/ubuntu?tag=22.04');
    expect(dockerPurl('docker://registry.example.com:5000/team/app:v1', '')).toBe('pkg:oci/app?repository_url=registry.example.com%3A5000%2Fteam&tag=v1');
  });
});

describe('Syft fixtures', () => {
  const unit = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'githubactions', 'testdata');
  it.skipIf(unit === null)('workflow-with-version-comments.yaml: the local action, and checkout at the version its comment names', async () => {
    const content = readFileSync(`${unit ?? ''}/workflow-with-version-comments.yaml`);
    const out = await catalogFile(githubActionsUsageCataloger, WORKFLOW, content);
    expect(out.unknowns).toEqual([]);
    expect(sorted(rows(out))).toEqual(
      sorted([
        ['github-action', './.github/actions/bootstrap', '', null],
        ['github-action', 'actions/checkout', 'v4.2.2', 'pkg:github/actions/checkout@v4.2.2'],
      ]),
    );
    expect(out.packages.find((p) => p.name === 'actions/checkout')?.metadata).toMatchObject({ fields: { value: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', comment: 'v4.2.2' } });
    const calls = await catalogFile(githubActionWorkflowUsageCataloger, WORKFLOW, content);
    expect(rows(calls)).toEqual([['github-action-workflow', 'octo-org/this-repo/.github/workflows/workflow-1.yml', 'v1.0.0', 'pkg:github/octo-org/this-repo@v1.0.0#.github/workflows/workflow-1.yml']]);
  });

  const coverage = sharedDir('conformance', 'syft', 'cmd', 'syft', 'internal', 'test', 'integration', 'testdata', 'image-pkg-coverage', 'pkgs', 'github-actions');
  it.skipIf(coverage === null)('image-pkg-coverage: checkout v4 and the shared workflow call at its commit', async () => {
    const dir = coverage ?? '';
    const actions = await catalogDirectory(githubActionsUsageCataloger, dir);
    expect(actions.selectedPaths).toEqual(['/.github/workflows/validations.yaml']);
    expect(rows(actions)).toEqual([['github-action', 'actions/checkout', 'v4', 'pkg:github/actions/checkout@v4']]);
    const workflows = await catalogDirectory(githubActionWorkflowUsageCataloger, dir);
    expect(rows(workflows)).toEqual([
      [
        'github-action-workflow',
        'octo-org/this-repo/.github/workflows/workflow-1.yml',
        '172239021f7ba04fe7327647b213799853a9eb89',
        'pkg:github/octo-org/this-repo@172239021f7ba04fe7327647b213799853a9eb89#.github/workflows/workflow-1.yml',
      ],
    ]);
    expect([...actions.unknowns, ...workflows.unknowns]).toEqual([]);
  });
});
