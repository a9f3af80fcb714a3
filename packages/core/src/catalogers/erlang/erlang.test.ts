import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../testing/fuzz.js';
import { catalogFile } from '../../testing/catalog-tester.js';
import { ids } from '../lang-common/test-helpers.js';
import { ErlangTermError, parseErlangTerms } from './erlang-terms.js';
import { erlangOtpApplicationCataloger, erlangRebarLockCataloger } from './index.js';

describe('parseErlangTerms', () => {
  it('reads tuples, lists, binaries, strings, quoted and bare atoms, numbers and comments', () => {
    expect(parseErlangTerms(`%% a comment\n{app, 'my-app', [<<"bin">>, "s\\"tr", -12, 1.5e3]}. % trailing\n[].`)).toEqual([
      {
        kind: 'tuple',
        items: [
          { kind: 'atom', value: 'app' },
          { kind: 'atom', value: 'my-app' },
          {
            kind: 'list',
            items: [
              { kind: 'binary', value: 'bin' },
              { kind: 'string', value: 's"tr' },
              { kind: 'number', value: -12 },
              { kind: 'number', value: 1500 },
            ],
          },
        ],
      },
      { kind: 'list', items: [] },
    ]);
  });

  it.each([
    ['a term without its full stop', '{a, b}', "expected '.'"],
    ['a map', '#{a => 1}.', 'unknown term'],
    ['a list tail', '[a | b].', "expected ',' or ']'"],
    ['an unterminated string', '"abc', 'unterminated'],
    ['a binary of bytes', '<<1,2>>.', "expected '>>'"],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseErlangTerms(text)).toThrow(message);
  });

  it('bounds nesting', () => {
    expect(() => parseErlangTerms(`${'['.repeat(100)}${']'.repeat(100)}.`)).toThrow('nested deeper than 64');
  });

  it('throws only its own error on any text', () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', '<<', '>>', '"', "'", ',', '.', '%', '\n', 'a', 'pkg', '1', '-', ' ', '\\');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
        try {
          parseErlangTerms(parts.join(''));
        } catch (error) {
          expect(error).toBeInstanceOf(ErlangTermError);
        }
      }),
      fuzzParameters(500),
    );
  });
});

const REBAR_LOCK = `{"1.2.0",
[{<<"certifi">>,{pkg,<<"certifi">>,<<"2.9.0">>},0},
 {<<"hackney">>,{pkg,<<"hackney">>,<<"1.18.1">>},0},
 {<<"jsx_fork">>,{pkg,<<"jsx">>,<<"3.1.0">>},1},
 {<<"lager">>,{git,"https://github.com/erlang-lager/lager.git",{ref,"459a3b2cdd9eadd29e5a7ce5c43932f5ccd6eb88"}},0},
 {<<"local">>,{raw,"../local"},0}]}.
[
{pkg_hash,[
 {<<"certifi">>, <<"6F2A475689DD47F19FB74334859D460A2DC4E3252A3324BD2111B8F0429E7E21">>}]}
].
`;

describe('erlang-rebar-lock-cataloger', () => {
  it('reads Hex packages under their Hex names, git dependencies at their commit, and counts the rest', async () => {
    const out = await catalogFile(erlangRebarLockCataloger, '/app/rebar.lock', REBAR_LOCK);
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['certifi', '2.9.0', 'pkg:hex/certifi@2.9.0'],
      ['hackney', '1.18.1', 'pkg:hex/hackney@1.18.1'],
      ['jsx', '3.1.0', 'pkg:hex/jsx@3.1.0'],
      ['lager', '459a3b2cdd9eadd29e5a7ce5c43932f5ccd6eb88', null],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { checksum: '6F2A475689DD47F19FB74334859D460A2DC4E3252A3324BD2111B8F0429E7E21', level: '0' } });
    expect(out.unknowns.map((u) => u.reason)).toEqual(['1 locked dependenc(ies) neither from Hex nor pinned to a git commit were not read']);
  });

  it('reads the old format (a bare list); anything else is an unknown', async () => {
    expect(ids(await catalogFile(erlangRebarLockCataloger, '/rebar.lock', '[{<<"idna">>,{pkg,<<"idna">>,<<"6.1.1">>},0}].'))).toEqual(['idna@6.1.1']);
    expect((await catalogFile(erlangRebarLockCataloger, '/rebar.lock', 'bogus')).unknowns[0]?.reason).toContain('not a rebar.lock');
    expect((await catalogFile(erlangRebarLockCataloger, '/rebar.lock', '{a, b}.')).unknowns[0]?.reason).toContain('no list of locked dependencies');
  });
});

describe('erlang-otp-application-cataloger', () => {
  it('reads an OTP application resource file', async () => {
    const app = `{application, 'rabbit', [\n\t{description, "RabbitMQ"},\n\t{vsn, "3.12.10"},\n\t{modules, ['amqqueue']},\n\t{env, [{frame_max, 131072}]} %% comment\n]}.\n`;
    const out = await catalogFile(erlangOtpApplicationCataloger, '/opt/rabbitmq/plugins/rabbit-3.12.10/ebin/rabbit.app', app);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.evidence])).toEqual([['rabbit', '3.12.10', 'erlang-otp', 'pkg:otp/rabbit@3.12.10', 'installed']]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { description: 'RabbitMQ' } });
  });

  it('other files named .app are not applications: nothing reported, no unknown', async () => {
    for (const content of ['<plist>not erlang</plist>', '{library, x, [{vsn, "1"}]}.', '{application, x, [{description, "no version"}]}.']) {
      expect(await catalogFile(erlangOtpApplicationCataloger, '/usr/share/x.app', content)).toMatchObject({ packages: [], unknowns: [] });
    }
  });
});
