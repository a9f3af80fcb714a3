/**
 * Vitest setup file, run in the worker before each test file: fresh cache folders for the file
 * under the run's temporary root (see test-environment.ts and vitest-global-setup.ts).
 */
import { inject } from 'vitest';
import { isolateCacheEnvironment, TEST_ROOT_VARIABLE } from './test-environment.js';

const root = inject('sekishoTestRoot');
process.env[TEST_ROOT_VARIABLE] = root;
isolateCacheEnvironment(root);
