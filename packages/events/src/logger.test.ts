import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withRequestId } from './logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('service logs', () => {
  it('one JSON object per line with time, level label, service name and the request id of every line of a request', () => {
    const out = capture();
    const logger = createLogger({ name: 'server', destination: out.stream });
    const request = withRequestId(logger, 'req-42');
    request.info({ method: 'GET', path: '/api/v1/images', status: 200 }, 'request done');
    withRequestId(logger).warn('no id given');
    const [first, second] = out.lines();
    expect(first).toMatchObject({ level: 'info', name: 'server', reqId: 'req-42', method: 'GET', status: 200, msg: 'request done' });
    expect(Number.isNaN(Date.parse(String(first?.['time'])))).toBe(false);
    expect(String(second?.['reqId'])).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never writes a structured secret, and refuses a request id that could forge log content', () => {
    const out = capture();
    const logger = createLogger({ name: 'worker', destination: out.stream });
    logger.info({ password: 'p4ss', output: { sharedKey: 'k3y' }, headers: { authorization: 'Bearer abc' } }, 'configured');
    const forged = withRequestId(logger, 'x"\n{"level":"fatal"}');
    forged.info('after');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('p4ss');
    expect(text).not.toContain('k3y');
    expect(text).not.toContain('Bearer abc');
    expect(forged.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
