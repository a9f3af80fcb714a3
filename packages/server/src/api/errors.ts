/**
 * One error shape for every failure: `{ error: { code, message, field?, requestId } }`. Validation
 * failures name the refused input (`body.target.reference`, `querystring.limit`); store errors map to
 * their statuses; anything unexpected is a 500 that says nothing about the code (the log has it).
 */
import { SekishoError } from '@sekisho/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RepositoryError } from '../repository/errors.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly requestId?: string };
}

const STORE_STATUS: Record<RepositoryError['code'], number> = {
  STORE_NOT_FOUND: 404,
  STORE_CONFLICT: 409,
  STORE_INVALID: 400,
  STORE_SCHEMA: 500,
  STORE_UNAVAILABLE: 503,
};

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** `body.target.reference` from Ajv's `/target/reference` (and the missing property of a `required`). */
export function fieldOf(context: string | undefined, issue: ValidationIssue | undefined): string {
  const path = (issue?.instancePath ?? '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = issue?.params?.['missingProperty'];
  if (typeof missing === 'string') path.push(missing);
  const extra = issue?.params?.['additionalProperty'];
  if (typeof extra === 'string') path.push(extra);
  return [context ?? 'body', ...path].join('.');
}

export function toErrorResponse(error: unknown, requestId: string): { status: number; body: ErrorBody; internal: boolean } {
  const body = (code: string, message: string, field?: string): ErrorBody => ({ error: { code, message, ...(field === undefined ? {} : { field }), requestId } });
  if (error instanceof ApiError) return { status: error.statusCode, body: body(error.code, error.message, error.field), internal: false };
  if (error instanceof RepositoryError) {
    const status = STORE_STATUS[error.code];
    return { status, body: body(error.code, status >= 500 ? 'the store failed' : error.message), internal: status >= 500 };
  }
  if (error instanceof SekishoError && (error.code === 'CONFIG_INVALID' || error.code === 'USAGE_INVALID')) {
    return { status: 400, body: body(error.code, error.message), internal: false };
  }
  const fastify = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(fastify.validation)) {
    const issue = fastify.validation[0];
    const field = fieldOf(fastify.validationContext, issue);
    return { status: 400, body: body('INVALID_INPUT', `${field}: ${issue?.message ?? 'invalid'}`, field), internal: false };
  }
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, body too large, unsupported media type…
    const field = fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError ? 'body' : undefined;
    return { status, body: body(fastify.code ?? 'BAD_REQUEST', oneLine(fastify.message ?? 'bad request'), field), internal: false };
  }
  return { status: 500, body: body('INTERNAL', 'internal error (see the server log for this request id)'), internal: true };
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.slice(0, 500) ?? '';
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const { status, body, internal } = toErrorResponse(error, request.id);
  if (internal) request.log.error({ err: error, requestId: request.id }, 'request failed');
  request.failure = { code: body.error.code, ...(body.error.field === undefined ? {} : { field: body.error.field }) };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
