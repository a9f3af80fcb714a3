import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { readHcl } from './hcl.js';
import { terraformLockCataloger } from './index.js';

const TWO_PROVIDERS = `# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.72.1"
  constraints = "> 5.72.0"
  hashes = [
    "h1:jhd5O5o0CfZCNEwwN0EiDAzb7ApuFrtxJqa6HXW4EKE=",
    "zh:0dea6843836e926d33469b48b948744079023816d16a2ff7666bcfb6aa3522d4",
  ]
}

provider "registry.terraform.io/hashicorp/google" {
  version = "6.8.0"
  hashes = [
    "h1:GlCaVPk6eKMg2ZbRY7C5tUeHGNIABT+qFtMl8+XWZHM=",
  ]
}
`;

const coverage = sharedDir('conformance', 'syft', 'cmd', 'syft', 'internal', 'test', 'integration', 'testdata', 'image-pkg-coverage', 'terraform');

describe('terraform-lock-cataloger', () => {
  it('each provider block is a provider at its locked version, named by its address, without a purl', async () => {
    const out = await catalogFile(terraformLockCataloger, '/infra/.terraform.lock.hcl', TWO_PROVIDERS);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.evidence])).toEqual([
      ['registry.terraform.io/hashicorp/aws', '5.72.1', 'terraform', null, 'declared'],
      ['registry.terraform.io/hashicorp/google', '6.8.0', 'terraform', null, 'declared'],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({
      fields: { constraints: '> 5.72.0', hashes: 'h1:jhd5O5o0CfZCNEwwN0EiDAzb7ApuFrtxJqa6HXW4EKE= zh:0dea6843836e926d33469b48b948744079023816d16a2ff7666bcfb6aa3522d4' },
    });
    expect(out.packages[1]?.metadata).toMatchObject({ fields: { hashes: 'h1:GlCaVPk6eKMg2ZbRY7C5tUeHGNIABT+qFtMl8+XWZHM=' } });
  });

  it.skipIf(coverage === null)('the image-pkg-coverage lock file: hashicorp/aws 5.72.1 (Syft’s fixture)', async () => {
    const out = await catalogDirectory(terraformLockCataloger, coverage ?? '');
    expect(out.selectedPaths).toEqual(['/.terraform.lock.hcl']);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version])).toEqual([['registry.terraform.io/hashicorp/aws', '5.72.1']]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { constraints: '>= 5.72.0' } });
  });

  it('reads every comment form, one-line blocks, escapes and OpenTofu addresses', async () => {
    const lock = `// a line comment
/* a block
   comment */ provider "registry.opentofu.org/hashicorp/random" { version = "3.6.0" }
provider "example.com/acme/\\u0078yz" {
  version = "1.0.0" # trailing
  constraints = "~> 1.0, != 1.0.1"
  hashes = ["h1:abc", "zh:literal $\${not} %%{template}"] // trailing
}
`;
    const out = await catalogFile(terraformLockCataloger, '/x/.terraform.lock.hcl', lock);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version])).toEqual([
      ['registry.opentofu.org/hashicorp/random', '3.6.0'],
      ['example.com/acme/xyz', '1.0.0'],
    ]);
    expect(out.packages[1]?.metadata).toMatchObject({ fields: { constraints: '~> 1.0, != 1.0.1', hashes: 'h1:abc zh:literal ${not} %{template}' } });
  });

  it('refuses what a lock file never holds: expressions, templates, heredocs, broken syntax', async () => {
    const cases: [string, string][] = [
      ['provider "a/b/c" {\n  version = 1\n}\n', 'a value that is not a string or a list of strings at line 2'],
      ['provider "a/b/c" {\n  version = var.v\n}\n', 'not a string'],
      ['provider "a/b/c" {\n  version = "${var.v}"\n}\n', 'a template interpolation'],
      ['provider "a/b/c" {\n  hashes = <<EOF\nx\nEOF\n}\n', 'not a string'],
      ['provider "a/b/c" {\n  version = "1.0"\n', "expected '}'"],
      ['provider "a/b/c" {\n  version = "1.0\n}\n', 'unterminated string'],
      ['/* never closed', 'unterminated comment'],
      ['provider "a/b/c" {\n  hashes = ["a" "b"]\n}\n', "expected ',' or ']'"],
      ['provider "a/b/c" {\n  version = "1"\n  version = "2"\n}\n', 'attribute version set twice'],
      ['provider "a\\q" {}\n', 'invalid escape sequence'],
    ];
    for (const [lock, reason] of cases) {
      const out = await catalogFile(terraformLockCataloger, '/x/.terraform.lock.hcl', lock);
      expect(out.packages).toEqual([]);
      expect(out.unknowns[0]?.reason).toContain(reason);
    }
  });

  it('provider blocks without a version and other items are counted in unknowns', async () => {
    const out = await catalogFile(
      terraformLockCataloger,
      '/x/.terraform.lock.hcl',
      'provider "a/b/c" {\n  constraints = ">= 1"\n}\nprovider {\n  version = "1"\n}\nmodule "m" {\n}\nx = "y"\nprovider "d/e/f" {\n  version = "2.0.0"\n}\n',
    );
    expect(out.packages.map((p) => p.name)).toEqual(['d/e/f']);
    expect(out.unknowns.map((u) => u.reason)).toEqual([
      '2 provider block(s) without one address label and a version were not read',
      '2 item(s) other than provider blocks (a lock file holds none) were not read',
    ]);
  });

  it('an empty lock file or one of comments only yields nothing', async () => {
    for (const empty of ['', '# This file is maintained automatically by "terraform init".\n']) {
      expect(await catalogFile(terraformLockCataloger, '/x/.terraform.lock.hcl', empty)).toMatchObject({ packages: [], unknowns: [] });
    }
  });

  it('hostile input: deep nesting is refused, long input stays linear', async () => {
    expect(() => readHcl(`${'a {'.repeat(100)}${'}'.repeat(100)}`)).toThrow('blocks nested deeper than 16');
    const deep = await catalogFile(terraformLockCataloger, '/x/.terraform.lock.hcl', 'a {\n'.repeat(100_000));
    expect(deep.unknowns[0]?.reason).toContain('nested deeper');
    const started = Date.now();
    const long = await catalogFile(
      terraformLockCataloger,
      '/x/.terraform.lock.hcl',
      `provider "a/b/c" {\n  version = "1"\n  hashes = [${'"h",'.repeat(400_000)}]\n  x = "${'y'.repeat(2_000_000)}"\n}\n${'# c\n'.repeat(200_000)}`,
    );
    expect(long.packages.map((p) => p.version)).toEqual(['1']);
    const items = await catalogFile(terraformLockCataloger, '/x/.terraform.lock.hcl', `x = [${'"h",'.repeat(600_000)}]\n`);
    expect(items.unknowns[0]?.reason).toContain('more than 500000 items');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
