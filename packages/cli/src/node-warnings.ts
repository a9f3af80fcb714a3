/**
 * Node 22 marks node:sqlite experimental and says so on standard error the first time it loads
 * (`ExperimentalWarning: SQLite is an experimental feature…`), `--quiet` or not; Node 24 does not.
 * The layer cache and the advisory database use it on every Node Sekisho supports, so that one
 * notice says nothing to a user: it is dropped, and every other warning is emitted as before.
 */
const SQLITE_NOTICE = /^SQLite is an experimental feature/;

export function dropSqliteExperimentalNotice(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning.message;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && SQLITE_NOTICE.test(text)) return;
    Reflect.apply(emit, process, [warning, ...rest]);
  };
}
