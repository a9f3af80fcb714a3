import { describe, expect, it } from 'vitest';
import { parseScanners } from './scanners.js';

describe('parseScanners', () => {
  it.each([
    ['vuln,secret', ['secret', 'vuln']],
    ['+malware', ['hardening', 'malware', 'secret', 'vuln']],
    ['-vuln,+malware', ['hardening', 'malware', 'secret']],
    ['hardening', ['hardening']],
  ])('%s', (text, expected) => {
    expect([...parseScanners(text)].sort()).toEqual(expected);
  });
  it('refuses unknown names', () => {
    expect(() => parseScanners('vuln,nope')).toThrow(/unknown scanner/);
  });
});
