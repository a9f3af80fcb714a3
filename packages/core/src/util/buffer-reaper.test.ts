import { afterEach, describe, expect, it } from 'vitest';
import { bufferReaper } from './buffer-reaper.js';

const global = globalThis as { gc?: unknown };
const exposed = global.gc;
afterEach(() => {
  global.gc = exposed;
});

describe('bufferReaper', () => {
  it('asks for a minor collection each time the bytes counted reach the step', () => {
    const calls: unknown[] = [];
    global.gc = (options: unknown) => void calls.push(options);
    const reap = bufferReaper(100);
    for (let i = 0; i < 9; i += 1) reap(30);
    // 30, 60, 90, 120 → one; 30, 60, 90, 120 → two; 30 left over
    expect(calls).toEqual([{ type: 'minor' }, { type: 'minor' }]);
  });

  it('does nothing where gc is not exposed', () => {
    global.gc = undefined;
    const reap = bufferReaper(1);
    expect(() => {
      reap(10);
      reap(10);
    }).not.toThrow();
  });
});
