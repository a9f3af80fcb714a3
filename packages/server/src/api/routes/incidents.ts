/**
 * Events in, incidents out: `POST /events` takes SekishoEvents from the other components (runtime,
 * admission, in-app protection, workers), forwards each to the server's event outputs and files
 * those that call for a response under an incident. The incident routes list, show, acknowledge,
 * resolve, assign and annotate them. Every incident change is an audit row and an `incident` event.
 */
import { FormatRegistry, Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { createRedactor } from '@sekisho/core';
import { createEvent, EVENT_SCHEMA, INCIDENT_STATES, SEVERITIES } from '@sekisho/model';
import type { EventComponent, EventKind, EventResult, EventSubject, IncidentRecord, IncidentState, SekishoEvent } from '@sekisho/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { incidentReason } from '../../incidents/opens.js';
import { pendingPolicies, respondToIncident } from '../../incidents/respond.js';
import type { IncidentReason } from '../../incidents/opens.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { Cursor, ErrorSchema, Limit, StringEnum } from '../schemas.js';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
export const MAX_EVENTS_PER_REQUEST = 500;
const MAX_EVENTS_BODY_BYTES = 16 * 1024 * 1024;
/** The store refuses a larger event; checking here keeps a refused batch from being half recorded. */
const MAX_EVENT_CHARS = 64 * 1024;

const keys = <T extends string>(all: Record<T, true>): T[] => Object.keys(all) as T[];
export const EVENT_KINDS = keys<EventKind>({ finding: true, 'policy-decision': true, admission: true, runtime: true, host: true, rasp: true, function: true, audit: true, incident: true, test: true });
const COMPONENTS = keys<EventComponent>({ cli: true, server: true, worker: true, admission: true, runtime: true, host: true, rasp: true, function: true, events: true });
export const EVENT_RESULTS = keys<EventResult>({ allowed: true, denied: true, warned: true, detected: true, blocked: true, success: true, failure: true, info: true });
const SUBJECT_TYPES = keys<EventSubject['type']>({ image: true, workload: true, host: true, request: true, function: true, exception: true, incident: true, system: true });

/** Literal unions, not `StringEnum`: TypeBox's compiler checks these (it cannot check `Unsafe` schemas). */
const OneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)));
}
const Name = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A SekishoEvent as it arrives: bounded in every string and list. */
export const SekishoEventSchema = Type.Object(
  {
    schema: Type.Literal(EVENT_SCHEMA),
    id: Name(200),
    time: Type.String({ format: 'date-time', maxLength: 64 }),
    kind: OneOf(EVENT_KINDS),
    severity: OneOf(SEVERITIES),
    source: Type.Object({ component: OneOf(COMPONENTS), instance: Name(253) }, { additionalProperties: false }),
    subject: Type.Object(
      {
        type: OneOf(SUBJECT_TYPES),
        id: Name(1024),
        digest: Type.Optional(Name(300)),
        namespace: Type.Optional(Name(253)),
        name: Type.Optional(Name(253)),
        environment: Type.Optional(Name(63)),
      },
      { additionalProperties: false },
    ),
    principal: Nullable(Type.String({ maxLength: 256 })),
    sourceIp: Nullable(Type.String({ maxLength: 64 })),
    action: Name(1024),
    result: OneOf(EVENT_RESULTS),
    reasons: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 100 }),
    links: Type.Array(Type.Object({ rel: Name(64), href: Name(2048) }, { additionalProperties: false }), { maxItems: 100 }),
    details: Type.Record(Type.String({ maxLength: 256 }), Type.Unknown()),
  },
  { additionalProperties: false },
);
const eventCheck = TypeCompiler.Compile(SekishoEventSchema);

/** The events of a request body (one event or an array of them), or a 400 naming the first bad field. */
export function eventsOf(body: unknown): SekishoEvent[] {
  const many = Array.isArray(body);
  const list: unknown[] = many ? body : [body];
  if (many && list.length === 0) throw new ApiError(400, 'INVALID_INPUT', 'body: an empty array of events', 'body');
  if (list.length > MAX_EVENTS_PER_REQUEST) throw new ApiError(400, 'INVALID_INPUT', `body: more than ${MAX_EVENTS_PER_REQUEST} events in one request`, 'body');
  list.forEach((item, i) => {
    const error = eventCheck.Errors(item).First();
    if (error === undefined) {
      if (JSON.stringify(item).length <= MAX_EVENT_CHARS) return;
      const field = ['body', ...(many ? [String(i)] : [])].join('.');
      throw new ApiError(400, 'INVALID_INPUT', `${field}: an event of more than ${MAX_EVENT_CHARS} characters`, field);
    }
    const path = error.path
      .split('/')
      .filter((p) => p !== '')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const field = ['body', ...(many ? [String(i)] : []), ...path].join('.');
    throw new ApiError(400, 'INVALID_INPUT', `${field}: ${error.message}`, field);
  });
  // `satisfies`: every event the schema admits is a SekishoEvent (checked at compile time)
  return list as Static<typeof SekishoEventSchema>[] satisfies SekishoEvent[];
}

export interface EventOutcome {
  readonly eventId: string;
  /** `ignored`: the event opens no incident (it was still forwarded to the outputs). */
  readonly outcome: 'opened' | 'joined' | 'duplicate' | 'ignored';
  readonly reason: IncidentReason | null;
  readonly incidentId: string | null;
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const NoteBody = Type.Object({ text: Name(4000) }, { additionalProperties: false });
const ChangeBody = Type.Object({ note: Type.Optional(Name(4000)) }, { additionalProperties: false });
const changeCheck = TypeCompiler.Compile(ChangeBody);

/** The optional body of acknowledge/resolve: none, or `{ note }`. */
function noteOf(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  const error = changeCheck.Errors(body).First();
  if (error !== undefined) {
    const field = ['body', ...error.path.split('/').filter((p) => p !== '')].join('.');
    throw new ApiError(400, 'INVALID_INPUT', `${field}: ${error.message}`, field);
  }
  return (body as Static<typeof ChangeBody>).note ?? null;
}
const AssignBody = Type.Object({ owner: Nullable(Name(200)) }, { additionalProperties: false });
const ListQuery = Type.Object(
  { state: Type.Optional(StringEnum(INCIDENT_STATES)), severity: Type.Optional(StringEnum(SEVERITIES)), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
const DetailQuery = Type.Object({ limit: Type.Optional(Limit) }, { additionalProperties: false });

export function incidentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { repository } = ctx;
  const redactor = createRedactor();

  /** The audit row and the `incident` event of one incident change; delivery failures are logged, never answered. */
  const announce = async (request: FastifyRequest, incident: IncidentRecord, action: string, details: Record<string, unknown>): Promise<void> => {
    const principal = request.principal?.name ?? 'anonymous';
    try {
      await repository.appendAudit({
        at: ctx.now(),
        sourceIp: request.ip,
        method: request.method,
        action,
        principal,
        result: 'success',
        target: incident.id,
        details: { ...details, state: incident.state },
      });
    } catch (error) {
      // the change is committed: answering 500 would only invite a retry that gets a 409
      request.log.error({ err: error, requestId: request.id }, 'incident audit row not written');
    }
    if (ctx.events === null) return;
    const event = createEvent({
      kind: 'incident',
      severity: incident.severity,
      source: { component: 'server', instance: ctx.instance },
      subject: { type: 'incident', id: incident.id },
      principal,
      sourceIp: request.ip,
      action,
      result: 'success',
      reasons: [incident.title],
      links: [{ rel: 'incident', href: `/api/v1/incidents/${incident.id}` }],
      details: { ...details, state: incident.state, owner: incident.owner, key: incident.key, eventCount: incident.eventCount, subject: incident.subject },
    });
    await ctx.events.emit(redactor.value(event)).catch((error: unknown) => request.log.warn({ err: error }, 'incident event not delivered'));
  };

  app.post(
    '/events',
    {
      bodyLimit: MAX_EVENTS_BODY_BYTES,
      config: { action: 'events.record', role: 'scanner' },
      schema: {
        tags: ['incidents'],
        summary: `Record events (one, or an array of at most ${MAX_EVENTS_PER_REQUEST}): each goes to the server's outputs; runtime alerts, admission denials, in-app detections and new KEV findings open or join incidents`,
        body: Type.Unknown({ description: 'a SekishoEvent (sekisho.event/v1) or an array of them' }),
      },
    },
    async (request) => {
      const events = eventsOf(request.body);
      const reasons = events.map((event) => incidentReason(event));
      const filed = events.filter((_, i) => reasons[i] !== null);
      // the timeline first: a retry after a later failure finds these already kept (ids are kept once)
      await repository.recordEvents(events);
      // filed first, in one transaction: a store refusal answers before anything was forwarded
      const outcomes = await repository.recordIncidentEvents(filed);
      if (ctx.events !== null) {
        for (const event of events) await ctx.events.emit(redactor.value(event)).catch((error: unknown) => request.log.warn({ err: error }, 'event not delivered'));
      }
      const results: EventOutcome[] = [];
      let next = 0;
      for (const [i, event] of events.entries()) {
        const reason = reasons[i] ?? null;
        const filedAs = reason === null ? undefined : outcomes[next++];
        if (reason === null || filedAs === undefined) {
          results.push({ eventId: event.id, outcome: 'ignored', reason: null, incidentId: null });
          continue;
        }
        const { outcome, incident } = filedAs;
        results.push({ eventId: event.id, outcome, reason, incidentId: incident.id });
        if (outcome === 'opened') await announce(request, incident, 'incident.open', { incidentId: incident.id, reason, eventId: event.id });
        if (outcome !== 'duplicate' && ctx.incidentResponses !== null) {
          // the incident as it is now, not as this event left it within the batch
          const current = (await repository.getIncident(incident.id)) ?? incident;
          const due = await pendingPolicies(current, ctx.incidentResponses.policies, repository);
          if (due.length > 0) await respondToIncident(current, due, { repository, kubernetes: ctx.incidentResponses.kubernetes, events: ctx.events, instance: ctx.instance, now: ctx.now });
        }
      }
      return { results };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/incidents',
    { config: { action: 'incidents.list', role: 'viewer' }, schema: { tags: ['incidents'], summary: 'Incidents, newest opened first', querystring: ListQuery, response: { 400: ErrorSchema } } },
    async (request) => {
      const { state, severity, limit, cursor } = request.query;
      return repository.listIncidents(
        { ...(state === undefined ? {} : { state }), ...(severity === undefined ? {} : { severity }) },
        { ...(limit === undefined ? {} : { limit }), cursor: cursor ?? null },
      );
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DetailQuery> }>(
    '/incidents/:id',
    {
      config: { action: 'incidents.get', role: 'viewer' },
      schema: { tags: ['incidents'], summary: 'One incident with its timeline and its first events (oldest first)', params: IdParams, querystring: DetailQuery, response: { 404: ErrorSchema } },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = id;
      const incident = await repository.getIncident(id);
      if (incident === null) throw new ApiError(404, 'NOT_FOUND', `no incident ${id}`, 'params.id');
      const limit = request.query.limit ?? 100;
      const [timeline, events] = await Promise.all([repository.incidentTimeline(id, { limit }), repository.listIncidentEvents(id, { limit })]);
      return { incident, timeline, events };
    },
  );

  const change = (to: IncidentState, verb: 'acknowledge' | 'resolve'): void => {
    app.post<{ Params: Static<typeof IdParams>; Body: unknown }>(
      `/incidents/:id/${verb}`,
      {
        config: { action: `incidents.${verb}`, role: 'approver' },
        schema: {
          tags: ['incidents'],
          summary: `${verb === 'acknowledge' ? 'Acknowledge an open incident' : 'Resolve an open or acknowledged incident'} (approver)`,
          params: IdParams,
          response: errors,
        },
      },
      async (request) => {
        const { id } = request.params;
        request.auditTarget = id;
        const note = noteOf(request.body);
        const before = await repository.getIncident(id);
        if (before === null) throw new ApiError(404, 'NOT_FOUND', `no incident ${id}`, 'params.id');
        const incident = await repository.transitionIncident(id, to, request.principal?.name ?? 'anonymous', note, ctx.now());
        await announce(request, incident, `incident.${verb}`, { incidentId: id, from: before.state, to });
        return incident;
      },
    );
  };
  change('acknowledged', 'acknowledge');
  change('resolved', 'resolve');

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof AssignBody> }>(
    '/incidents/:id/assign',
    {
      config: { action: 'incidents.assign', role: 'approver' },
      schema: { tags: ['incidents'], summary: 'Set (or clear, with null) the owner of an incident (approver)', params: IdParams, body: AssignBody, response: errors },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = id;
      const before = await repository.getIncident(id);
      if (before === null) throw new ApiError(404, 'NOT_FOUND', `no incident ${id}`, 'params.id');
      const incident = await repository.assignIncident(id, request.body.owner, request.principal?.name ?? 'anonymous', ctx.now());
      await announce(request, incident, 'incident.assign', { incidentId: id, from: before.owner, to: incident.owner });
      return incident;
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof NoteBody> }>(
    '/incidents/:id/notes',
    {
      config: { action: 'incidents.note', role: 'scanner' },
      schema: { tags: ['incidents'], summary: 'Add a note to the timeline of an incident', params: IdParams, body: NoteBody, response: errors },
    },
    async (request, reply) => {
      const { id } = request.params;
      request.auditTarget = id;
      const entry = await repository.addIncidentNote(id, request.principal?.name ?? 'anonymous', request.body.text, ctx.now());
      return reply.code(201).send(entry);
    },
  );
}
