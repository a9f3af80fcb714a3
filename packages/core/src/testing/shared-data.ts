/** Test data lookups (../shared, required mode): see @sekisho/testkit's shared-data.ts. */
export { MissingTestDataError, repoRoot, requiredTestData, requiredTool, sharedDir, sharedFile, sharedRoot, testDataRequired } from '@sekisho/testkit';
