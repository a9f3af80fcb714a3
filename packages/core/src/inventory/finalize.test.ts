import { describe, expect, it } from 'vitest';
import type { CatalogedPackage } from '../catalogers/types.js';
import type { MergedLayers } from '../overlay/apply-layers.js';
import { buildInventory } from './finalize.js';

const npm = (name: string, dev: boolean): CatalogedPackage & { foundBy: string } => ({
  ref: name,
  name,
  version: '1.0.0',
  type: 'npm',
  purl: `pkg:npm/${name}@1.0.0`,
  licenses: [],
  evidence: 'declared',
  source: null,
  metadata: null,
  paths: ['/app/package-lock.json'],
  foundBy: 'javascript-lock-cataloger',
  ...(dev ? { dev: true } : {}),
});

const merged: MergedLayers = {
  packages: [npm('express', false), npm('vitest', true)].map((pkg) => ({ pkg, key: `0/lock/${pkg.ref}`, evidenceLayer: 0, introducedIn: 0 })),
  relationships: [{ from: '0/lock/express', to: '0/lock/vitest', type: 'depends-on' }],
  ownership: [],
  licenseFacts: [],
  unknowns: [],
  findings: [],
  facts: [],
  specialFiles: [],
  symlinks: new Map(),
};

describe('buildInventory: development dependencies', () => {
  it('drops dev packages and their edges by default', () => {
    const inventory = buildInventory(merged, null, []);
    expect(inventory.packages.map((p) => p.name)).toEqual(['express']);
    expect(inventory.packages[0]?.dev).toBeUndefined();
    expect(inventory.relationships).toEqual([]);
  });

  it('keeps them, marked dev, with includeDevDeps', () => {
    const inventory = buildInventory(merged, null, [], { includeDevDeps: true });
    expect(inventory.packages.map((p) => [p.name, p.dev === true])).toEqual([
      ['express', false],
      ['vitest', true],
    ]);
    expect(inventory.relationships).toHaveLength(1);
  });
});
