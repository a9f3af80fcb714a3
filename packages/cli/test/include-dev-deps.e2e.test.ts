import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../src/testing/run-captured.js';
import type { CapturedRun } from '../src/testing/run-captured.js';

const cli = (...argv: string[]): Promise<CapturedRun> => runCaptured(argv);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sekisho-devdeps-'));
  await mkdir(join(root, 'app'), { recursive: true });
  const lock = {
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    packages: { '': { name: 'app', version: '1.0.0' }, 'node_modules/express': { version: '4.17.1' }, 'node_modules/vitest': { version: '1.0.0', dev: true } },
  };
  await writeFile(join(root, 'app', 'package-lock.json'), JSON.stringify(lock));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('sekisho sbom --include-dev-deps', () => {
  it('leaves dev dependencies out by default and lists them, marked, with the flag', async () => {
    const plain = await cli('--no-cache', 'sbom', `dir:${root}`, '-f', 'json');
    expect(plain.code).toBe(0);
    const names = (JSON.parse(plain.stdout) as { packages: { name: string }[] }).packages.map((p) => p.name);
    expect(names).toContain('express');
    expect(names).not.toContain('vitest');
    const withDev = await cli('--no-cache', 'sbom', `dir:${root}`, '-f', 'cyclonedx-json', '--include-dev-deps');
    expect(withDev.code).toBe(0);
    const bom = JSON.parse(withDev.stdout) as { components: { name: string; properties?: { name: string; value: string }[] }[] };
    expect(bom.components.find((c) => c.name === 'vitest')?.properties).toContainEqual({ name: 'sekisho:package:dev', value: 'true' });
    expect(bom.components.find((c) => c.name === 'express')?.properties?.some((p) => p.name === 'sekisho:package:dev')).toBe(false);
  });
});
