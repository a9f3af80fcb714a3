import { syncBuiltinESMExports } from 'node:module';
import type { RaspConfig } from './config.js';
import { trackRequests } from './context.js';
import { createGuard } from './guard.js';
import type { Guard } from './guard.js';
import { hookChildProcess } from './hooks/child-process.js';
import { hookCodeEvaluation } from './hooks/code.js';
import { hookFs } from './hooks/fs.js';
import { hookOutboundHttp } from './hooks/http.js';
import { hookJsonParse } from './hooks/json.js';
import { hookSqlDrivers } from './hooks/sql.js';

let installed: Guard | null = null;

/** Install every hook once (before the application loads), per the configuration's rule modes. */
export function install(config: RaspConfig): Guard {
  if (installed !== null) return installed;
  const guard = createGuard(config);
  trackRequests();
  if (config.rules['command-injection'] !== 'off') hookChildProcess(guard);
  if (config.rules['path-traversal'] !== 'off') hookFs(guard);
  if (config.rules.ssrf !== 'off') hookOutboundHttp(guard);
  if (config.rules['code-injection'] !== 'off') hookCodeEvaluation(guard);
  if (config.rules['prototype-pollution'] !== 'off') hookJsonParse(guard);
  if (config.rules['sql-injection'] !== 'off') hookSqlDrivers(guard);
  // ESM `import { exec } from 'node:child_process'` sees the patched functions too.
  syncBuiltinESMExports();
  installed = guard;
  return guard;
}
