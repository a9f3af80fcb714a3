import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../../errors.js';
import { finalStage, parseDockerfile, runScript } from './parse-dockerfile.js';
import { expandWord, expandWords, globMatch } from './shell-words.js';

const kw = (src: string): string[] => parseDockerfile(src).instructions.map((i) => i.keyword);

function parseError(src: string): string {
  try {
    parseDockerfile(src);
  } catch (e) {
    if (isSekishoError(e)) return e.code;
    throw e;
  }
  return 'none';
}

describe('parser directives', () => {
  it('switches the escape character to a backtick', () => {
    const df = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir C:\\ `\n  && echo done\nCOPY a C:\\app\\\n');
    expect(df.escape).toBe('`');
    const run = df.instructions[1];
    expect(run?.args).toBe('dir C:\\   && echo done');
    // With a backtick escape, a trailing backslash does not continue the line.
    expect(df.instructions[2]?.keyword).toBe('COPY');
    expect(df.instructions[2]?.words).toEqual(['a', 'C:\\app\\']);
  });

  it('reads directives only at the very top, case-insensitively', () => {
    expect(parseDockerfile('# ESCAPE = `\n# syntax=docker/dockerfile:1\nFROM x\n').directives).toEqual({
      escape: '`',
      syntax: 'docker/dockerfile:1',
    });
    // After a comment, a blank line or an instruction, a directive is a comment.
    expect(parseDockerfile('# hello\n# escape=`\nFROM x\n').escape).toBe('\\');
    expect(parseDockerfile('\n# escape=`\nFROM x\n').escape).toBe('\\');
    expect(parseDockerfile('FROM x\n# escape=`\n').escape).toBe('\\');
    // An unknown directive ends the section.
    expect(parseDockerfile('# unknown=1\n# escape=`\nFROM x\n').escape).toBe('\\');
  });

  it('warns about an invalid escape value and keeps the backslash', () => {
    const df = parseDockerfile('# escape=x\nFROM x\n');
    expect(df.escape).toBe('\\');
    expect(df.warnings.map((w) => w.message).join()).toMatch(/invalid escape/);
  });
});

describe('continuations and comments', () => {
  it('joins continuation lines and drops comment and blank lines inside them', () => {
    const df = parseDockerfile('FROM debian\nRUN apt-get update && \\\n# a comment\n\n    apt-get install -y curl \\  \n  && echo ok\nUSER app\n');
    const run = df.instructions[1];
    expect(run?.keyword).toBe('RUN');
    expect(run?.line).toBe(2);
    expect(run?.endLine).toBe(6);
    expect(run?.args).toBe('apt-get update &&     apt-get install -y curl   && echo ok');
    expect(df.instructions[2]).toMatchObject({ keyword: 'USER', line: 7 });
  });

  it('treats # only at the start of a line as a comment', () => {
    const df = parseDockerfile('  # indented comment\nFROM x\nRUN echo hi # not a comment\n');
    expect(kw('  # c\nFROM x\n')).toEqual(['FROM']);
    expect(df.instructions[1]?.args).toBe('echo hi # not a comment');
  });

  it('handles CRLF line endings, a BOM and lower-case keywords', () => {
    const df = parseDockerfile('\uFEFFfrom alpine:3.20\r\nrun echo \\\r\n  hi\r\n');
    expect(df.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ['FROM', 1],
      ['RUN', 2],
    ]);
    expect(df.instructions[1]?.args).toBe('echo   hi');
  });

  it('ends an instruction whose continuation reaches the end of the file', () => {
    expect(parseDockerfile('FROM x\nRUN echo \\').instructions[1]?.args).toBe('echo');
  });
});

describe('heredocs', () => {
  it('takes the body of RUN <<EOF verbatim, including lines that look like instructions', () => {
    const df = parseDockerfile('FROM alpine\nRUN <<EOF\napk add curl\n# not a comment\nUSER root\nEOF\nCMD ["sh"]\n');
    expect(kw('FROM alpine\nRUN <<EOF\nUSER root\nEOF\nCMD ["sh"]\n')).toEqual(['FROM', 'RUN', 'CMD']);
    const run = df.instructions[1];
    expect(run?.heredocs).toEqual([{ delimiter: 'EOF', content: 'apk add curl\n# not a comment\nUSER root\n', stripTabs: false, expand: true, fileDescriptor: null, line: 3, terminated: true }]);
    expect(run?.endLine).toBe(6);
    expect(df.instructions[2]).toMatchObject({ keyword: 'CMD', line: 7, json: ['sh'] });
    expect(runScript(run!)).toContain('apk add curl');
  });

  it('strips leading tabs with <<- and honours quoted delimiters', () => {
    const df = parseDockerfile('FROM x\nRUN <<-"END"\n\techo $HOME\n\tEND\nCOPY <<\'CONF\' /etc/app.conf\nkey=$value\nCONF\n');
    const [, run, copy] = df.instructions;
    expect(run?.heredocs[0]).toMatchObject({ delimiter: 'END', content: 'echo $HOME\n', stripTabs: true, expand: false });
    expect(copy?.heredocs[0]).toMatchObject({ delimiter: 'CONF', content: 'key=$value\n', expand: false });
    expect(copy?.words).toEqual(["<<'CONF'", '/etc/app.conf'].map((w) => w.replaceAll("'", '')));
  });

  it('reads several heredocs of one line in order, with fd prefixes', () => {
    const df = parseDockerfile('FROM x\nRUN <<FIRST cat > /first && 3<<SECOND cat > /second\none\nFIRST\ntwo\nSECOND\nUSER app\n');
    const run = df.instructions[1];
    expect(run?.heredocs.map((h) => [h.delimiter, h.content, h.fileDescriptor])).toEqual([
      ['FIRST', 'one\n', null],
      ['SECOND', 'two\n', 3],
    ]);
    expect(df.instructions[2]).toMatchObject({ keyword: 'USER', line: 7 });
  });

  it('does not open heredocs in quotes, in here-strings, or on other instructions', () => {
    expect(parseDockerfile('FROM x\nRUN echo "<<EOF"\nUSER a\n').instructions[1]?.heredocs).toEqual([]);
    expect(parseDockerfile('FROM x\nRUN cat <<<EOF\nUSER a\n').instructions[1]?.heredocs).toEqual([]);
    expect(kw('FROM x\nLABEL a=<<EOF\nUSER a\n')).toEqual(['FROM', 'LABEL', 'USER']);
  });

  it('warns about an unterminated heredoc and keeps the instruction', () => {
    const df = parseDockerfile('FROM x\nRUN <<EOF\necho hi\n');
    expect(df.instructions[1]?.heredocs[0]).toMatchObject({ terminated: false, content: 'echo hi\n\n' });
    expect(df.warnings.some((w) => /not terminated/.test(w.message))).toBe(true);
  });
});

describe('forms and flags', () => {
  it('tells the exec form from the shell form', () => {
    const df = parseDockerfile('FROM x\nCMD ["node", "server.js"]\nENTRYPOINT /bin/sh -c start\nRUN [not json\n');
    expect(df.instructions[1]?.json).toEqual(['node', 'server.js']);
    expect(df.instructions[2]?.json).toBeNull();
    expect(df.instructions[3]?.json).toBeNull();
  });

  it('extracts flags, secret mounts and COPY --from', () => {
    const df = parseDockerfile(
      'FROM golang:1.22 AS build\nFROM alpine\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=cache,target=/var/cache/apt npm ci\nCOPY --from=build --chmod=0755 --link /out/app /app\n',
    );
    const run = df.instructions[2];
    expect(run?.mounts).toEqual([
      { type: 'secret', options: { type: 'secret', id: 'npmrc', target: '/root/.npmrc' } },
      { type: 'cache', options: { type: 'cache', target: '/var/cache/apt' } },
    ]);
    expect(run?.args).toBe('npm ci');
    expect(df.instructions[3]?.flags).toEqual([
      { name: 'from', value: 'build' },
      { name: 'chmod', value: '0755' },
      { name: 'link', value: null },
    ]);
    expect(df.instructions[3]?.words).toEqual(['/out/app', '/app']);
  });
});

describe('ARG and ENV expansion', () => {
  it('expands the reference forms', () => {
    const vars: Record<string, string> = { A: 'x', E: '' };
    const look = (n: string): string | undefined => vars[n];
    expect(expandWord('$A ${A} ${A}_b', look).value).toBe('x x x_b');
    expect(expandWord('${B:-def} ${E:-def} ${E-def} ${A:-def}', look).value).toBe('def def  x');
    expect(expandWord('${A:+alt}|${B:+alt}|${E:+alt}|${E+alt}', look).value).toBe('alt|||alt');
    expect(expandWord('${B:-${A:-z}}', look).value).toBe('x');
    expect(expandWord('\\$A \\${A}', look).value).toBe('$A ${A}');
    expect(expandWord('\'$A\' "$A"', look).value).toBe('$A x');
    expect(expandWord('$ $1 ${', look).value).toBe('$ $1 ${');
    expect(expandWord('$B', look).unresolved).toEqual(['B']);
  });

  it('supports prefix and suffix trimming with globs', () => {
    const look = (n: string): string | undefined => (n === 'V' ? 'a.b.c' : undefined);
    expect(expandWord('${V#*.} ${V##*.} ${V%.*} ${V%%.*}', look).value).toBe('b.c c a.b a');
    expect(globMatch('a*c?', 'abbbcd')).toBe(true);
    expect(globMatch('a*c?', 'abbbc')).toBe(false);
  });

  it('splits words and removes quotes', () => {
    expect(expandWords('a "b c" d\\ e', () => undefined).words).toEqual(['a', 'b c', 'd e']);
  });

  it('gives ARGs before FROM to FROM lines only, and to stages that re-declare them', () => {
    const df = parseDockerfile(
      [
        'ARG NODE=20',
        'ARG TAG',
        'FROM node:${NODE}-alpine AS base',
        'USER $NODE',
        'ARG NODE',
        'WORKDIR /v$NODE',
        'FROM node:${NODE:-18}${TAG:+-$TAG}',
        'ARG NODE=22',
        'ENV NODE=env',
        'LABEL v=$NODE',
      ].join('\n'),
    );
    const [s0, s1] = df.stages;
    expect(df.globalArgs).toEqual({ NODE: '20', TAG: null });
    expect(s0?.image).toBe('node:20-alpine');
    expect(s0?.imageRaw).toBe('node:${NODE}-alpine');
    expect(s0?.name).toBe('base');
    // Not visible before the stage re-declares it.
    expect(df.instructions[3]?.words).toEqual(['']);
    expect(df.instructions[3]?.unresolved).toEqual(['NODE']);
    expect(df.instructions[5]?.words).toEqual(['/v20']);
    expect(s1?.image).toBe('node:20');
    // ENV wins over ARG of the same name.
    expect(df.instructions[9]?.pairs[0]?.value).toBe('env');
  });

  it('expands ENV pairs with the scope before the instruction, supports the legacy form', () => {
    const df = parseDockerfile('FROM x\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\nENV LEGACY some value here\n');
    expect(df.instructions[2]?.pairs.map((p) => [p.key, p.value])).toEqual([
      ['abc', 'bye'],
      ['def', 'hello'],
    ]);
    expect(df.instructions[3]?.pairs[0]?.value).toBe('bye');
    expect(df.instructions[4]?.pairs[0]).toMatchObject({ key: 'LEGACY', value: 'some value here' });
  });

  it('removes quotes and escapes in ENV values, keeps single-quoted text literal', () => {
    const df = parseDockerfile('FROM x\nENV x=1\nENV A="hello $x world" B=\'$x\' C=a\\ b D=""\n');
    expect(df.instructions[2]?.pairs.map((p) => [p.key, p.value])).toEqual([
      ['A', 'hello 1 world'],
      ['B', '$x'],
      ['C', 'a b'],
      ['D', ''],
    ]);
  });

  it('lets build args override defaults', () => {
    const df = parseDockerfile('ARG V=1\nFROM img:$V\nARG W=a\nUSER $W\n', { buildArgs: { V: '2', W: 'b' } });
    expect(df.stages[0]?.image).toBe('img:2');
    expect(df.stages[0]?.user?.value).toBe('b');
  });
});

describe('multi-stage', () => {
  it('links stages, inherits ENV and USER from an earlier stage, and finds the final stage', () => {
    const df = parseDockerfile(
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nENV CGO_ENABLED=0\nUSER builder\nFROM build AS test\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\n',
    );
    expect(df.stages.map((s) => [s.name, s.parentStage, s.user?.value ?? null])).toEqual([
      ['build', null, 'builder'],
      ['test', 0, 'builder'],
      [null, null, null],
    ]);
    expect(df.stages[0]?.platform).toBe('');
    expect(df.stages[0]?.imageUnresolved).toEqual([]);
    expect(df.stages[1]?.env).toEqual({ CGO_ENABLED: '0' });
    expect(finalStage(df)?.index).toBe(2);
    expect(finalStage(df, 'test')?.index).toBe(1);
  });

  it('parses ONBUILD triggers', () => {
    const df = parseDockerfile('FROM x\nONBUILD ADD https://example.com/a.tgz /a\n');
    expect(df.instructions[1]?.trigger).toMatchObject({ keyword: 'ADD', words: ['https://example.com/a.tgz', '/a'] });
  });
});

describe('hostile input', () => {
  it('rejects binary content, empty files and oversized input with error codes', () => {
    expect(parseError('FROM x\n\u0000\u0001\u0002')).toBe('CONFIG_INVALID');
    expect(parseError('# only a comment\n\n')).toBe('CONFIG_INVALID');
    expect(parseError('FROM x\n' + 'RUN true\n'.repeat(200_000))).toBe('LIMIT_ENTRY_SIZE');
    expect(parseError('FROM x\n' + '\n'.repeat(60_000))).toBe('LIMIT_ENTRY_COUNT');
    expect(parseError('FROM x\nRUN ' + 'aaaaaaaaaaaaaaaaaaa \\\n'.repeat(20_000))).toBe('LIMIT_ENTRY_SIZE');
    expect(parseError('FROM x\nRUN ' + '<<A'.padEnd(4, ' ').repeat(40) + '\n')).toBe('LIMIT_ENTRY_COUNT');
  });

  it('fails on an expansion past 256 KiB instead of cutting it', () => {
    const pad = 'p'.repeat(100_000);
    expect(parseError(`FROM x\nENV A=${pad}\nENV B=$A$A$A\nUSER root\n`)).toBe('LIMIT_ENTRY_SIZE');
    expect(() => expandWord('$A$A$A', () => pad)).toThrow(/more than 262144 characters/);
    expect(expandWord('$A$A', () => pad).value).toHaveLength(200_000);
  });

  it('survives deeply nested expansions', () => {
    const src = '${A:-'.repeat(2000) + 'x' + '}'.repeat(2000);
    expect(() => expandWord(src, () => undefined)).not.toThrow();
  });

  it('parses unknown instructions with a warning', () => {
    const df = parseDockerfile('FROM x\nFOO bar\n');
    expect(df.instructions[1]?.keyword).toBe('FOO');
    expect(df.warnings).toEqual([{ line: 2, message: 'unknown instruction FOO' }]);
  });
});
