import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createEvent } from '@sekisho/model';
import type { SekishoEvent } from '@sekisho/model';
import type { RaspConfig, RuleId } from './config.js';
import type { RequestContext, RequestValue } from './context.js';
import { bodyValues, requestStorage } from './context.js';
import type { Detection } from './detect.js';

/** Thrown instead of running a sink in block mode; the request is answered 403 if nothing was sent yet. */
export class RaspBlockedError extends Error {
  readonly code = 'SEKISHO_RASP_BLOCKED';
  constructor(
    readonly rule: RuleId,
    readonly sink: string,
  ) {
    super(`blocked by Sekisho in-app protection: ${rule} at ${sink}`);
    this.name = 'RaspBlockedError';
  }
}

const SEVERITY: Readonly<Record<RuleId, SekishoEvent['severity']>> = {
  'command-injection': 'critical',
  'code-injection': 'critical',
  'sql-injection': 'high',
  'path-traversal': 'high',
  ssrf: 'high',
  'prototype-pollution': 'medium',
};

// Captured before any hook is installed: the protection's own output never passes through its hooks.
const writeStdout = process.stdout.write.bind(process.stdout);
const originals = { httpRequest, httpsRequest, parseJson: JSON.parse.bind(JSON) };
const writeStderr = process.stderr.write.bind(process.stderr);
/** Webhook deliveries in flight are bounded; events past the bound still reach stdout and are counted, never dropped silently. */
const MAX_PENDING_WEBHOOKS = 100;
let pendingWebhooks = 0;
let droppedWebhooks = 0;

export interface Guard {
  readonly config: RaspConfig;
  /** The current request's context, or null outside a request (the hooks then do nothing). */
  current(): RequestContext | null;
  /** Every value of the current request, body included (parsed once the body has arrived). */
  values(context: RequestContext): readonly RequestValue[];
  /**
   * Run a sink with the hooks of nested sinks quiet: `exec` calls `execFile` and `spawn` inside
   * Node itself, and one attack is one event.
   */
  nested<T>(run: () => T): T;
  /** True while a guarded sink is running (its nested calls are not judged again). */
  inSink(): boolean;
  /** Record a detection; in block mode answer 403 and throw before the sink runs. */
  decide(rule: RuleId, sink: string, context: RequestContext, detection: Detection | null): void;
  readonly parseJson: (text: string) => unknown;
}

function stackOf(): string[] {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  return lines
    .filter((l) => !/\/packages\/rasp\/(dist|src)\/|@sekisho\/rasp\/|node:internal/.test(l))
    .slice(0, 12)
    .map((l) => l.trim());
}

function deliver(config: RaspConfig, event: SekishoEvent): void {
  const line = `${JSON.stringify(event)}\n`;
  if (config.events.stdout) writeStdout(line);
  const webhook = config.events.webhook;
  if (webhook === null) return;
  if (pendingWebhooks >= MAX_PENDING_WEBHOOKS) {
    droppedWebhooks++;
    if (droppedWebhooks === 1 || droppedWebhooks % 100 === 0) writeStderr(`sekisho rasp: webhook busy, ${droppedWebhooks} event(s) not sent to it (all are on stdout)\n`);
    return;
  }
  // the address was checked when the configuration loaded (config.ts)
  const url = new URL(webhook);
  const send = url.protocol === 'https:' ? originals.httpsRequest : originals.httpRequest;
  pendingWebhooks++;
  const req = send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 5000 }, (res) => res.resume());
  // 'close' comes once whatever happened (answered, refused, timed out, aborted): the count cannot leak.
  req.once('close', () => pendingWebhooks--);
  req.on('error', () => {});
  req.on('timeout', () => req.destroy());
  req.end(line);
}

export function createGuard(config: RaspConfig): Guard {
  let depth = 0;
  return {
    nested(run) {
      depth++;
      try {
        return run();
      } finally {
        depth--;
      }
    },
    inSink: () => depth > 0,
    config,
    parseJson: originals.parseJson,
    current: () => (depth > 0 ? null : (requestStorage.getStore() ?? null)),
    values: (context) => [...context.values, ...bodyValues(context, originals.parseJson)],
    decide(rule, sink, context, detection) {
      const mode = config.rules[rule];
      if (detection === null || mode === 'off') return;
      const blocked = mode === 'block';
      deliver(
        config,
        createEvent({
          kind: 'rasp',
          severity: SEVERITY[rule],
          source: { component: 'rasp', instance: config.service },
          subject: { type: 'request', id: context.id, name: `${context.method} ${context.path}` },
          sourceIp: context.sourceIp,
          action: `${rule} at ${sink}`,
          result: blocked ? 'blocked' : 'detected',
          reasons: [detection.reason, `${detection.value.source} parameter ${JSON.stringify(detection.value.name)} reaches ${sink}`],
          details: {
            rule,
            sink,
            method: context.method,
            path: context.path,
            parameter: { source: detection.value.source, name: detection.value.name, value: detection.value.value.slice(0, 256) },
            stack: stackOf(),
          },
        }),
      );
      if (!blocked) return;
      const res = context.response;
      if (res !== null && !res.headersSent && !res.writableEnded) {
        res.statusCode = 403;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        // The error thrown below reaches the framework's error handler after the answer is sent, and
        // Express's (finalhandler) then destroys the socket: a keep-alive client that sent its next
        // request on it meanwhile saw "other side closed". Closing after the answer, said in the
        // answer, keeps clients from reusing the connection of a blocked request.
        res.setHeader('connection', 'close');
        res.end('Forbidden: blocked by in-app protection\n');
      }
      throw new RaspBlockedError(rule, sink);
    },
  };
}
