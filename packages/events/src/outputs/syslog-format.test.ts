import { describe, expect, it } from 'vitest';
import { testEvent } from '../testing/events.js';
import { createSyslogFormatter, octetCounted, syslogSeverity } from './syslog-format.js';

const BOM = '\uFEFF';

describe('RFC 5424 formatting', () => {
  it('PRI is facility × 8 + the severity of the event', () => {
    expect(['critical', 'high', 'medium', 'low', 'negligible', 'unknown'].map((s) => syslogSeverity(s as never))).toEqual([2, 3, 4, 5, 6, 6]);
    const format = createSyslogFormatter({ facility: 4, hostname: 'h', procId: '1' });
    expect(format(testEvent(1, { severity: 'critical' })).toString('utf8')).toMatch(/^<34>1 /);
  });

  it('header fields are PRINTUSASCII and cut to their lengths; empty becomes the NILVALUE', () => {
    const format = createSyslogFormatter({ hostname: 'höst name\n' + 'x'.repeat(300), appName: 'a'.repeat(60), procId: '' });
    const [, , host, app, proc] = format(testEvent(1)).toString('utf8').split(' ');
    expect(host).toBe(`hstname${'x'.repeat(248)}`);
    expect(app).toBe('a'.repeat(48));
    expect(proc).toBe('-');
  });

  it('escapes ", \\ and ] in SD-PARAM values and drops control characters', () => {
    const event = { ...testEvent(1), principal: 'evil"] [x@1 a="b\\\n' };
    const text = createSyslogFormatter({ hostname: 'h', procId: '1' })(event).toString('utf8');
    expect(text).toContain(' principal="evil\\"\\] [x@1 a=\\"b\\\\ "');
  });

  it('MSG is a BOM and the event as JSON; a long message is cut at a character boundary within maxBytes', () => {
    const event = testEvent(1, { details: { text: 'é'.repeat(5000) } });
    const message = createSyslogFormatter({ hostname: 'h', procId: '1', maxBytes: 2048 })(event);
    expect(message.length).toBeLessThanOrEqual(2048);
    const text = message.toString('utf8');
    expect(text).not.toContain('\uFFFD');
    expect(text.slice(text.indexOf(BOM) + 1)).toMatch(/^\{"schema":"sekisho\.event\/v1"/);
    const full = createSyslogFormatter({ hostname: 'h', procId: '1' })(testEvent(2)).toString('utf8');
    expect(JSON.parse(full.slice(full.indexOf(BOM) + 1))).toMatchObject({ kind: 'runtime', details: { seq: 2 } });
  });

  it('octet counting counts bytes after UTF-8 encoding', () => {
    expect(octetCounted(Buffer.from('<14>1 ü', 'utf8')).toString('utf8')).toBe('8 <14>1 ü');
  });
});
