// A worker process for the fault tests (faults.test.ts): the built server's startWorker with
// short heartbeat and supervision intervals, so a killed worker's job is failed over in seconds.
// Prints one line when it takes jobs, and exits 0 after a graceful stop on SIGTERM.
import { startWorker } from '../../../dist/index.js';

const env = process.env;
const worker = await startWorker({
  database: env.WORKER_DATABASE,
  concurrency: 1,
  dbPath: env.WORKER_ADVISORY_DB,
  cacheDir: env.WORKER_CACHE_DIR,
  scanners: 'vuln,secret',
  heartbeatSeconds: 10,
  superviseIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
  retry: { attempts: 3, baseSeconds: 1, maxSeconds: 1 },
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop(20_000).then(() => process.exit(0));
});
