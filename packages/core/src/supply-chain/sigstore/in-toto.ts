import { SekishoError } from '../../errors.js';
import { IN_TOTO_PAYLOAD_TYPE, inTotoStatementSchema, type InTotoStatement } from './schema.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

/** Parses a DSSE payload as an in-toto Statement; throws VERIFY_FAILED when it is not one. */
export function parseStatement(payloadType: string, payload: Uint8Array): InTotoStatement {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new SekishoError('VERIFY_FAILED', `DSSE payload type ${JSON.stringify(payloadType.slice(0, 200))} is not an in-toto statement`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (error) {
    throw new SekishoError('VERIFY_FAILED', 'DSSE payload is not JSON', { cause: error });
  }
  const parsed = inTotoStatementSchema.safeParse(json, PARSE_ONCE);
  if (!parsed.success) {
    throw new SekishoError('VERIFY_FAILED', 'DSSE payload is not a valid in-toto statement', { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * Whether the statement names the artifact: some subject carries the same digest under the same
 * algorithm (in-toto attestation spec v1, "Statement" → subject matching by digest, not by name).
 */
export function statementHasSubject(statement: InTotoStatement, algorithm: string, hexDigest: string): boolean {
  const want = hexDigest.toLowerCase();
  return statement.subject.some((subject) => subject.digest[algorithm]?.toLowerCase() === want);
}
