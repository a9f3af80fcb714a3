import type { CliIo } from '../io.js';
import { runCli } from '../run.js';

export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI in this process with its output captured: the harness of the CLI tests. */
export async function runCaptured(argv: readonly string[]): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false };
  const code = await runCli([...argv], io);
  return { code, stdout, stderr };
}
