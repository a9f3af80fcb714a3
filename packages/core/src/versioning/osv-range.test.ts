import { describe, expect, it } from 'vitest';
import { isAffectedByEvents } from './osv-range.js';
import { getVersionScheme } from './registry.js';
import type { OsvEvent } from './types.js';

const semver = getVersionScheme('semver');
const deb = getVersionScheme('deb');

// Examples from the OSV schema (https://ossf.github.io/osv-schema/#examples) and its
// evaluation pseudo-code.
describe('isAffectedByEvents', () => {
  it('introduced "0" with no fix affects every version', () => {
    const events: OsvEvent[] = [{ introduced: '0' }];
    expect(isAffectedByEvents(semver, '0.0.1', events)).toBe(true);
    expect(isAffectedByEvents(semver, '99.0.0', events)).toBe(true);
    expect(isAffectedByEvents(semver, 'not-a-version', events)).toBe(true);
  });

  it('a fixed event makes the fix and later versions unaffected', () => {
    const events: OsvEvent[] = [{ introduced: '0' }, { fixed: '1.0.2' }];
    expect(isAffectedByEvents(semver, '1.0.1', events)).toBe(true);
    expect(isAffectedByEvents(semver, '1.0.2-rc.1', events)).toBe(true);
    expect(isAffectedByEvents(semver, '1.0.2', events)).toBe(false);
    expect(isAffectedByEvents(semver, '2.0.0', events)).toBe(false);
  });

  it('evaluates several ranges in one event list', () => {
    const events: OsvEvent[] = [{ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' }];
    const affected = (v: string): boolean => isAffectedByEvents(semver, v, events);
    expect([affected('0.9.0'), affected('1.0.0'), affected('1.0.2'), affected('2.5.0'), affected('3.1.0'), affected('3.2.5')]).toEqual([false, true, false, false, true, false]);
  });

  it('sorts unsorted events before evaluating them', () => {
    const events: OsvEvent[] = [{ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }];
    expect(isAffectedByEvents(semver, '1.0.1', events)).toBe(true);
    expect(isAffectedByEvents(semver, '2.0.0', events)).toBe(false);
    expect(isAffectedByEvents(semver, '3.0.0', events)).toBe(true);
    expect(isAffectedByEvents(semver, '3.3.0', events)).toBe(false);
  });

  it('last_affected includes that version and nothing after it', () => {
    const events: OsvEvent[] = [{ last_affected: '2.1.214' }, { introduced: '0' }];
    expect(isAffectedByEvents(semver, '2.1.214', events)).toBe(true);
    expect(isAffectedByEvents(semver, '2.1.215', events)).toBe(false);
  });

  it('limit events bound the range; "*" is infinity', () => {
    expect(isAffectedByEvents(semver, '1.5.0', [{ introduced: '1.0.0' }, { limit: '1.4.0' }])).toBe(false);
    expect(isAffectedByEvents(semver, '1.3.0', [{ introduced: '1.0.0' }, { limit: '1.4.0' }])).toBe(true);
    expect(isAffectedByEvents(semver, '9.0.0', [{ introduced: '1.0.0' }, { limit: '*' }])).toBe(true);
  });

  it('treats introduced and fixed at the same version as an empty range', () => {
    expect(isAffectedByEvents(semver, '1.0.0', [{ fixed: '1.0.0' }, { introduced: '1.0.0' }])).toBe(false);
  });

  it('compares with the scheme (dpkg order: ~ sorts before the release)', () => {
    const events: OsvEvent[] = [{ introduced: '0' }, { fixed: '2.4.1-1' }];
    expect(isAffectedByEvents(deb, '2.4.1~rc1-1', events)).toBe(true);
    expect(isAffectedByEvents(deb, '1:1.0-1', events)).toBe(false);
  });

  it('is never affected without an introduced event', () => {
    expect(isAffectedByEvents(semver, '1.0.0', [{ fixed: '2.0.0' }])).toBe(false);
    expect(isAffectedByEvents(semver, '1.0.0', [])).toBe(false);
  });
});
