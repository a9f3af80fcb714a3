import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { swiplPackCataloger } from './index.js';
import { parseClause, splitClauses, termText, tokenize } from './prolog-terms.js';

// The pack.pl of Syft's swipl fixture (`hdt`, as pack_install leaves it under `pack/hdt/`).
const HDT = `name(hdt).
version('0.5.2').
% TODO: swipl_version([90121]).
title('Access RDF HDT files').
keywords(['RDF']).
author( 'Jan Wielemaker', 'J.Wielemaker@vu.nl' ).
packager( 'Jan Wielemaker', 'J.Wielemaker@vu.nl' ).
maintainer( 'Jan Wielemaker', 'J.Wielemaker@vu.nl' ).
home( 'https://github.com/JanWielemaker/hdt' ).
download( 'https://github.com/JanWielemaker/hdt/archive/V*.zip' ).
`;

const parse = (path: string, text: string) => catalogFile(swiplPackCataloger, path, text);

describe('swipl-pack-cataloger', () => {
  it('reads the hdt pack as Syft does: name, version, purl, author, packager, homepage', async () => {
    const out = await parse('/swipl/pack/hdt/pack.pl', HDT);
    expect(out.unknowns).toEqual([]);
    expect(out.relationships).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.evidence, p.licenses])).toEqual([['hdt', '0.5.2', 'swiplpack', 'pkg:swiplpack/hdt@0.5.2', 'installed', []]]);
    expect(out.packages[0]?.metadata).toEqual({
      type: 'language-package',
      source: 'pack.pl',
      fields: {
        author: 'Jan Wielemaker',
        authorEmail: 'J.Wielemaker@vu.nl',
        packager: 'Jan Wielemaker',
        packagerEmail: 'J.Wielemaker@vu.nl',
        maintainer: 'Jan Wielemaker',
        maintainerEmail: 'J.Wielemaker@vu.nl',
        homepage: 'https://github.com/JanWielemaker/hdt',
        download: 'https://github.com/JanWielemaker/hdt/archive/V*.zip',
        title: 'Access RDF HDT files',
        keywords: 'RDF',
      },
    });
  });

  it('reads every documented form: quoted names, strings, escapes, comments, operators in requires, several authors', async () => {
    const text = `/* A pack with
   a block comment */
name('my_pack').   % trailing comment
version("1.2.0-rc.1").
title('It''s a \\x41\\ pack \\
continued').
description("Multi
line").
author('First Author', 'first@example.org').
author('Last Author', "mailto:last@example.org").
requires(prolog >= '9.1.0').
requires(http_client).
requires(prolog:library(pcre)).
provides(my_pack_core).
conflicts(other_pack < '2.0').
keywords([rdf, 'linked data', "semantic"]).
autoload(true).
:- dynamic seen/1.
helper(X) :- X = 0'a, Y is -1 + 2.5e3, atom(Y).
`;
    const out = await parse('/src/my_pack/pack.pl', text);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.purl, p.evidence])).toEqual([['my_pack', '1.2.0-rc.1', 'pkg:swiplpack/my_pack@1.2.0-rc.1', 'declared']]);
    expect(out.packages[0]?.metadata).toMatchObject({
      fields: {
        title: "It's a A pack continued",
        author: 'Last Author',
        authorEmail: 'mailto:last@example.org',
        requires: 'prolog >= 9.1.0, http_client, prolog : library(pcre)',
        provides: 'my_pack_core',
        conflicts: 'other_pack < 2.0',
        keywords: 'rdf, linked data, semantic',
      },
    });
  });

  it('yields nothing for a pack.pl that is a program (SWI-Prolog’s own app/pack.pl), and skips rules', async () => {
    const script = `/*  Part of a Prolog system */
:- use_module(library(main)).
:- initialization(main, main).
main([Argv1|Argv]) :- pack(Argv1, Argv), !.
pack(list, Argv) => cli:argv_options(Argv, Pos, Options), cli_list(Pos, Options).
pack_command(list, "List packages").
cli:opt_type(server, server, (boolean|atom)).
cli:opt_help(link, "Install from a local directory using \\c
                     a symbolic link").
cli:opt_meta(version, '[CMP]VERSION').
cli_install(Packs, Options), Packs \\== [] => maplist(parse_option, Options, O1).
version(Version) --> cmp(Cmp), !, whites, { atom_codes(V, S), Version =.. [Cmp,V] }.
cmp(>=) --> ">=".
cmp(=<) --> "=<".
name(X) :- atom(X).
opt_help(help(header), md("__Manage packs__

    multi-line text
    ")).
commands --> foreach(cmd(C, T), [ ansi(bold, '~w', [C]), ansi(comment, '~t~15|~s~n', [T]) ]).
`;
    expect(await parse('/usr/lib/swipl/app/pack.pl', script)).toMatchObject({ packages: [], unknowns: [] });
  });

  it('makes an unknown of a pack.pl it cannot read, or one naming only a name or a version', async () => {
    expect((await parse('/p/pack.pl', "name(x).\nversion('1.0).\n")).unknowns[0]?.reason).toMatch(/^pack.pl not read: unterminated quoted text/);
    expect((await parse('/p/pack.pl', 'name(x).\n/* open comment\n')).unknowns[0]?.reason).toContain('unterminated block comment');
    expect(await parse('/p/pack.pl', 'name(x).\n')).toMatchObject({ packages: [], unknowns: [{ reason: 'pack.pl without a pack version' }] });
    expect(await parse('/p/pack.pl', "version('1').\n")).toMatchObject({ packages: [], unknowns: [{ reason: 'pack.pl without a pack name' }] });
    const broken = await parse('/p/pack.pl', "name(x).\nversion('1').\nrequires(a b).\n");
    expect(broken.packages.map((p) => p.name)).toEqual(['x']);
    expect(broken.unknowns[0]?.reason).toMatch(/^1 metadata clauses of pack.pl not read \(requires: /);
    for (const empty of ['', '  \n% only a comment\n']) expect(await parse('/p/pack.pl', empty)).toMatchObject({ packages: [], unknowns: [] });
  });

  it('stays bounded on hostile input: deep nesting, long atoms, many escapes', async () => {
    const deep = await parse('/p/pack.pl', `name(${'f('.repeat(200)}x${')'.repeat(200)}).\nversion('1').\n`);
    expect(deep.packages).toEqual([]);
    expect(deep.unknowns.map((u) => u.reason)).toEqual(['pack.pl without a pack name', expect.stringContaining('nested deeper than 64')]);
    const long = await parse('/p/pack.pl', `name('${'a'.repeat(500_000)}').\nversion('${"''".repeat(100_000)}\\n').\n`);
    expect(long.unknowns).toEqual([]);
    expect(long.packages.map((p) => [p.name.length, p.version.length, p.version.slice(0, 3)])).toEqual([[500_000, 100_000, "'''"]]);
    const escapes = await parse('/p/pack.pl', `name(x).\nversion('1').\ntitle('${'\\n'.repeat(200_000)}').\n`);
    expect(escapes.unknowns).toEqual([]);
    const chain = await parse('/p/pack.pl', `name(x).\nversion('1').\nrequires(${'a - '.repeat(100_000)}a).\n`);
    expect(chain.unknowns.map((u) => u.reason)).toEqual([expect.stringContaining('nested deeper than 64')]);
  });
});

describe('Prolog term reader', () => {
  const read = (text: string) => splitClauses(tokenize(text)).map((clause) => termText(parseClause(clause)));
  it('reads numbers, lists, curly terms and operators with their priorities', () => {
    expect(read("x(0'a, 0''', 0x1F, 0b101, 16'FF, 1_000, 1.5e10, 1.0Inf, 1r3, -2).")).toEqual(["x(0'a, 0''', 0x1F, 0b101, 16'FF, 1_000, 1.5e10, 1.0Inf, 1r3, -2)"]);
    expect(read('a :- b, c ; d -> e.')).toEqual(['a :- b , c ; d -> e']);
    expect(read('x([a, b | T], {p, q}, [], {}, - 1, \\+ y, a =.. b).')).toEqual(['x([a, b | T], {p , q}, [], {}, -1, \\+y, a =.. b)']);
    expect(read('x(1 - 2 - 3, 2 ** 3, a:b:c).')).toEqual(['x(1 - 2 - 3, 2 ** 3, a : b : c)']);
    expect(() => read('x(a b).')).toThrow(/expected/);
    expect(() => read("x('\\q').")).toThrow(/unknown escape/);
  });
});
