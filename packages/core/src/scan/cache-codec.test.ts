import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCacheValue, encodeCacheValue } from './cache-codec.js';

const value = {
  schema: 4,
  paths: ['/', '/usr/bin/python3.11', '/srv/ünïcødé/日本語', 'line\nbreak', ''],
  symlinks: new Map([
    ['/bin', 'usr/bin'],
    ['/lib', 'usr/lib'],
  ]),
  packages: [{ name: 'openssl', version: '3.0.15-1~deb12u1', licenses: [], metadata: null, size: 0, negative: -1.5 }],
  nested: { deep: [[[{}]]] },
};

describe('cache values', () => {
  it('read back as they were written, maps and all', () => {
    expect(decodeCacheValue(encodeCacheValue(value))).toEqual(value);
  });

  it('keep a "__proto__" key as data, never as a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "name": "x"}') as Record<string, unknown>;
    const back = decodeCacheValue(encodeCacheValue(hostile)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('fail to read when damaged anywhere, truncated, or in another format', () => {
    const bytes = encodeCacheValue(value);
    for (let at = 0; at < bytes.length; at += 1) {
      const damaged = Buffer.from(bytes);
      damaged[at] = (damaged[at] ?? 0) ^ 0x10;
      expect(() => decodeCacheValue(damaged), `byte ${at}`).toThrow();
    }
    expect(() => decodeCacheValue(bytes.subarray(0, bytes.length - 1))).toThrow();
    // An entry of the JSON format this replaced.
    expect(() => decodeCacheValue(zlib.zstdCompressSync(Buffer.from(JSON.stringify({ schema: 4 }))))).toThrow();
  });
});
