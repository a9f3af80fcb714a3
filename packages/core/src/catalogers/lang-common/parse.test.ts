import { describe, expect, it, vi } from 'vitest';
import { jsonDepthExceeds, jsoncToJson, parseJson, parseJsonc, parseToml, parseYaml, parseYamlStream } from './parse.js';

describe('bounded parsers', () => {
  it('rejects JSON nested deeper than the limit without walking it', () => {
    const deep = Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
    const result = parseJson(deep);
    expect(result.ok).toBe(false);
    expect(jsonDepthExceeds('{"a":"[[[[[[[["}', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[1]]]]', 3)).toBe(true);
  });

  it('measures depth, not the number of brackets', () => {
    expect(jsonDepthExceeds('[[[1]]]', 3)).toBe(false);
    expect(jsonDepthExceeds(`[${'{},'.repeat(20)}{"a":[]}]`, 3)).toBe(false);
    expect(jsonDepthExceeds(`[${'{},'.repeat(20)}{"a":[{"b":[]}]}]`, 3)).toBe(true);
    expect(jsonDepthExceeds(`{"a":"${'['.repeat(20)}","b":{"c":{"d":[]}}}`, 3)).toBe(true);
  });

  it('reports invalid JSON as a reason, not an exception', () => {
    const result = parseJson(Buffer.from('{"a": '));
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toMatch(/^invalid JSON/);
  });

  it('turns JSONC into JSON, keeping comment-like text inside strings', () => {
    expect(JSON.parse(jsoncToJson('{ "a": "//x", /* c */ "b": [1, 2,], // d\n }'))).toEqual({ a: '//x', b: [1, 2] });
    expect(parseJsonc(Buffer.from('{"k": {"x": "y,",},}'))).toEqual({ ok: true, value: { k: { x: 'y,' } } });
  });

  it('keeps YAML scalars as strings and refuses alias bombs', () => {
    expect(parseYaml(Buffer.from('version: 1.10\ndev: true\n'))).toEqual({ ok: true, value: { version: '1.10', dev: 'true' } });
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const bomb = parseYaml(Buffer.from(levels.join('\n')));
    expect(bomb.ok).toBe(false);
  });

  it('reports invalid TOML as a reason', () => {
    expect(parseToml(Buffer.from('[[package]\nname = '))).toMatchObject({ ok: false });
  });

  it('YAML: errors are not located by rescanning the text (quadratic), and warnings never reach stderr', () => {
    // 200,000 quotes are 100,000 errors: with yaml's pretty errors this took 72 s.
    expect(parseYaml(Buffer.from('"'.repeat(200_000)))).toMatchObject({ ok: false, reason: expect.stringContaining('invalid YAML') as string });
    expect(parseYamlStream(Buffer.from('"'.repeat(200_000)))).toMatchObject({ ok: false });
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      parseYaml(Buffer.from(`${'%NAME%\n'.repeat(1000)}a: b\n`));
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });
});
