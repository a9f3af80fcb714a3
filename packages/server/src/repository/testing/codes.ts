import { RepositoryError } from '../errors.js';

/** The RepositoryError code a promise rejects with, `resolved`, or what else it threw: for contract cases. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof RepositoryError ? error.code : `not a RepositoryError: ${String(error)}`;
  }
}
