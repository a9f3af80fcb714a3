import { afterEach, describe, expect, it } from 'vitest';
import { dropSqliteExperimentalNotice } from './node-warnings.js';

const original = process.emitWarning.bind(process);
afterEach(() => {
  process.emitWarning = original;
});

describe('dropSqliteExperimentalNotice', () => {
  it("drops Node 22's notice that node:sqlite is experimental, and nothing else", () => {
    const seen: string[] = [];
    const listener = (warning: Error): void => void seen.push(`${warning.name}: ${warning.message}`);
    process.on('warning', listener);
    try {
      dropSqliteExperimentalNotice();
      process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
      process.emitWarning('SQLite is an experimental feature and might change at any time', { type: 'ExperimentalWarning' });
      process.emitWarning('WASI is an experimental feature and might change at any time', 'ExperimentalWarning');
      process.emitWarning('SQLite is an experimental feature and might change at any time', 'DeprecationWarning');
      process.emitWarning(new Error('something else'));
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          expect(seen).toEqual([
            'ExperimentalWarning: WASI is an experimental feature and might change at any time',
            'DeprecationWarning: SQLite is an experimental feature and might change at any time',
            'Error: something else',
          ]);
          resolve();
        }),
      );
    } finally {
      setImmediate(() => process.off('warning', listener));
    }
  });
});
