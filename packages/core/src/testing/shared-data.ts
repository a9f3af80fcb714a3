/** Test data lookups (../shared, required mode): see @sekisho/testkit's shared-data.ts. */
export { MissingTestDataError, repoRoot, requiredTestData, sharedDir, sharedFile, sharedRoot, testDataRequired } from '@sekisho/testkit';
