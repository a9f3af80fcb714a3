export * from './repository/types.js';
export { RepositoryError } from './repository/errors.js';
export type { RepositoryErrorCode } from './repository/errors.js';
