import { describe, expect, it } from 'vitest';
import { jsonMembers } from './json-members.js';

async function members(text: string, path: string[], chunkSize: number, max?: number): Promise<{ key: string | null; value: unknown }[]> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const out: { key: string | null; value: unknown }[] = [];
  for await (const m of jsonMembers(chunks(), path, max === undefined ? {} : { maxMemberChars: max })) out.push({ key: m.key, value: JSON.parse(m.text) });
  return out;
}

describe('jsonMembers', () => {
  const doc = { format: 'x', 'we"ird': [1], vulnerabilities: [{ a: '}]{["\\"', b: [1, { c: 'ü😀' }] }, 42, 'str', null, true, -1.5e3], tail: { vulnerabilities: [9] } };
  const text = JSON.stringify(doc, null, 1);

  it('yields the members of the container at a path, whatever the chunking', async () => {
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      expect(await members(text, ['vulnerabilities'], size)).toEqual(doc.vulnerabilities.map((value) => ({ key: null, value })));
      expect((await members(text, [], size)).map((m) => m.key)).toEqual(['format', 'we"ird', 'vulnerabilities', 'tail']);
    }
    expect(await members(text, ['tail', 'vulnerabilities'], 5)).toEqual([{ key: null, value: 9 }]);
    expect(await members(text, ['missing'], 5)).toEqual([]);
  });

  it('reports a truncated document after the complete members', async () => {
    const seen: unknown[] = [];
    const cut = JSON.stringify({ v: [1, { a: 2 }, { b: 3 }] }).slice(0, -6);
    async function* chunks(): AsyncGenerator<string> {
      yield cut;
    }
    await expect(
      (async () => {
        for await (const m of jsonMembers(chunks(), ['v'])) seen.push(JSON.parse(m.text));
      })(),
    ).rejects.toThrow(/truncated/);
    expect(seen).toEqual([1, { a: 2 }]);
  });

  it('refuses members over the limit', async () => {
    await expect(members(JSON.stringify({ v: ['x'.repeat(1000)] }), ['v'], 16, 100)).rejects.toThrow(/exceeds/);
  });
});
