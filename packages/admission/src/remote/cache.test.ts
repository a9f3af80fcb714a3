import { describe, expect, it } from 'vitest';
import { SharedCache } from './cache.js';

describe('SharedCache', () => {
  it('shares one load among concurrent look-ups, caches values, not failures', async () => {
    const cache = new SharedCache<{ v: number }>(10, 60_000);
    let loads = 0;
    const load = async (): Promise<{ v: number }> => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return { v: loads };
    };
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect(a).toBe(b);
    expect(await cache.get('k', load)).toBe(a);
    expect(loads).toBe(1);
    await expect(cache.get('bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('bad', load)).toEqual({ v: 2 });
  });

  it('refuses new loads beyond its in-flight bound instead of queueing them', async () => {
    const cache = new SharedCache<{ v: number }>(10, 60_000, 2);
    const never = (): Promise<{ v: number }> => new Promise(() => undefined);
    void cache.get('a', never);
    void cache.get('b', never);
    await expect(cache.get('c', never)).rejects.toThrow('more than 2 look-ups in flight');
  });
});
