/** What every route of the API is given: the store, the queue, where events go, and the server's settings. */
import type {} from '@fastify/swagger';
import type { PolicyDocument } from '@sekisho/core';
import type { ApiRole, EventSink } from '@sekisho/model';
import type { IncidentResponses } from '../incidents/respond.js';
import type { JobQueue } from '../jobs/types.js';
import type { Repository } from '../repository/types.js';
import type { Principal } from './auth.js';
import type { ApiMetrics } from './metrics.js';

export interface ApiContext {
  readonly repository: Repository;
  readonly queue: JobQueue;
  readonly events: EventSink | null;
  /** The policy evaluations use when a request sends none. */
  readonly policy: PolicyDocument | null;
  readonly now: () => Date;
  /** When the advisory database the workers match with was built, when known. */
  readonly dbBuiltAt: () => Date | null;
  readonly metrics: ApiMetrics;
  readonly instance: string;
  readonly maxReportBytes: number;
  /** Automated responses to incidents (label or scale a workload); none when null. */
  readonly incidentResponses: IncidentResponses | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the audit log calls the request, e.g. `images.list`. */
    readonly action?: string;
    /** The least role that may call the route; `public` for probes and the API document. */
    readonly role?: ApiRole | 'public';
    /** Probes and metrics are not audited (they would drown the log). */
    readonly audit?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The one thing a request acted on (a digest, an exception id), for the audit row. */
    auditTarget: string | null;
    /** Why authentication or authorisation refused the request. */
    denial: string | null;
    /** The error code and refused field of a failed request, for the audit row. */
    failure: { readonly code: string; readonly field?: string } | null;
  }
}
