/**
 * Vitest global setup: one temporary root per test run, removed when the run ends. The root is
 * handed to workers both as `inject('sekishoTestRoot')` and as $SEKISHO_TEST_ROOT (which forked
 * workers and the processes tests spawn inherit); see test-environment.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { isolateCacheEnvironment, TEST_ROOT_VARIABLE } from './test-environment.js';

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'sekisho-test-run-'));
  process.env[TEST_ROOT_VARIABLE] = root;
  // The main process too, so nothing it starts can reach the machine's cache.
  isolateCacheEnvironment(root);
  project.provide('sekishoTestRoot', root);
  return () => {
    rmSync(root, { recursive: true, force: true });
  };
}
