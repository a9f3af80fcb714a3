import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allowRuntimeGc, bufferReaper } from './buffer-reaper.js';

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

  it('goes on without collections where gc cannot be exposed, and does not try again', async () => {
    vi.resetModules();
    const fresh = await import('./buffer-reaper.js');
    global.gc = undefined;
    const refused = vi.spyOn(process, 'getBuiltinModule').mockImplementation(() => {
      throw new Error('no flags here');
    });
    try {
      fresh.allowRuntimeGc();
      const reap = fresh.bufferReaper(10);
      expect(() => {
        for (let i = 0; i < 5; i += 1) reap(20);
      }).not.toThrow();
      expect(refused).toHaveBeenCalledTimes(1);
    } finally {
      refused.mockRestore();
    }
  });

  // Last: allowing is for the rest of the process.
  it('once allowed, exposes gc when a collection is first needed and collects the young generation', async () => {
    global.gc = undefined;
    const forced: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const detail = (entry as { detail?: { kind?: number; flags?: number } }).detail;
        if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR && ((detail.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced.push(entry);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      const before = bufferReaper(100);
      before(1000); // not allowed yet: nothing
      allowRuntimeGc();
      const reap = bufferReaper(100);
      reap(60);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(forced).toHaveLength(0);
      reap(60);
      reap(120);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(forced).toHaveLength(2);
      expect(global.gc).toBeUndefined(); // taken from a context of its own, not put on this one
    } finally {
      observer.disconnect();
    }
  });
});
