/** What the job handlers work with: the store, the queue, the engine's settings, the event sink. */
import type { PolicyDocument, RegistryOptions } from '@sekisho/core';
import type { EventSink } from '@sekisho/model';
import type { Repository } from '../repository/types.js';
import type { AdvisorySource } from './advisories.js';
import type { JobQueue } from './types.js';

export interface WorkerContext {
  readonly repository: Repository;
  readonly queue: JobQueue;
  readonly advisories: AdvisorySource;
  /** The shared layer cache (a layer read once serves every image that has it); null disables it. */
  readonly cacheDir: string | null;
  /** `--scanners` of image scans (default `vuln,secret,hardening`, the CLI's). */
  readonly scanners?: string;
  readonly registry?: RegistryOptions;
  /** Deadline of one image scan (default: the engine's, 5 minutes). */
  readonly scanTimeoutMs?: number;
  /** The policy evaluate-policy applies; without one those jobs fail as not judged. */
  readonly policy?: PolicyDocument | null;
  /** Where new findings are announced (the events module's outputs). */
  readonly events?: EventSink;
  /** This worker's name in events. */
  readonly instance?: string;
  readonly now?: () => Date;
}
