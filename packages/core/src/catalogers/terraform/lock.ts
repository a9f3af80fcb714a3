import { EntryBudget, guarded, languagePackage, MiB, output, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger, CatalogUnknown } from '../types.js';
import type { HclBlock, HclValue } from './hcl.js';
import { HclError, readHcl } from './hcl.js';

const MAX_PROVIDERS = 10_000;

const text = (value: HclValue | undefined): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const list = (value: HclValue | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

function providerPackage(path: string, block: HclBlock, index: number): CatalogedPackage | null {
  const address = block.labels[0]?.trim() ?? '';
  const version = text(block.body.attributes.get('version'));
  if (block.labels.length !== 1 || address === '' || version === null) return null;
  return languagePackage({
    ref: `${path}#${index}`,
    name: address,
    version,
    type: 'terraform',
    // Syft writes no purl: the purl spec reserves `terraform` for modules and defines no provider form yet.
    purl: null,
    evidence: 'declared',
    source: '.terraform.lock.hcl',
    fields: { constraints: text(block.body.attributes.get('constraints')), hashes: list(block.body.attributes.get('hashes')).join(' ') },
    paths: [path],
  });
}

/**
 * `.terraform.lock.hcl`, the provider lock `terraform init` (and OpenTofu) writes: each
 * `provider "<address>" { version = "…" constraints = "…" hashes = [...] }` block is a provider at
 * its locked version, named by its address (`registry.terraform.io/hashicorp/aws`), as Syft names it.
 */
export function parseTerraformLock(path: string, content: Buffer): CatalogOutput {
  let blocks: readonly HclBlock[];
  let extra = 0;
  try {
    const body = readHcl(decodeText(content));
    blocks = body.blocks;
    extra = body.attributes.size;
  } catch (error) {
    if (error instanceof HclError) return unknownOutput(path, `.terraform.lock.hcl not read: ${error.message}`);
    throw error;
  }
  const budget = new EntryBudget(MAX_PROVIDERS, 'provider(s)');
  const packages: CatalogedPackage[] = [];
  let unnamed = 0;
  blocks.forEach((block, index) => {
    if (block.type !== 'provider') {
      extra += 1;
      return;
    }
    const pkg = providerPackage(path, block, index);
    if (pkg === null) unnamed += 1;
    else if (budget.take()) packages.push(pkg);
  });
  const unknowns: CatalogUnknown[] = [...budget.unknowns(path)];
  if (unnamed > 0) unknowns.push({ path, reason: `${unnamed} provider block(s) without one address label and a version were not read` });
  if (extra > 0) unknowns.push({ path, reason: `${extra} item(s) other than provider blocks (a lock file holds none) were not read` });
  return output(packages, [], unknowns);
}

export const terraformLockCataloger: Cataloger = {
  id: 'terraform-lock-cataloger',
  version: 1,
  packageTypes: ['terraform'],
  selector: { basenames: ['.terraform.lock.hcl'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseTerraformLock(file.path, file.content)),
};
