import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../../errors.js';
import { parseTemplate, renderTemplate } from './index.js';

const render = (template: string, data: unknown): string => renderTemplate(parseTemplate(template), data);

describe('template', () => {
  it('renders variables, dotted paths, sections, inverted sections and the current item', () => {
    const data = {
      name: 'img',
      findings: [
        { id: 'CVE-1', pkg: { name: 'a' } },
        { id: 'CVE-2', pkg: { name: 'b' } },
      ],
      tags: ['x', 'y'],
      empty: [],
    };
    expect(render('{{name}}:{{#findings}} {{id}}@{{pkg.name}}/{{name}}{{/findings}}', data)).toBe('img: CVE-1@a/img CVE-2@b/img');
    expect(render('{{#tags}}[{{.}}]{{/tags}}{{^empty}}none{{/empty}}{{#empty}}never{{/empty}}', data)).toBe('[x][y]none');
    expect(render('{{! a comment }}{{missing}}|{{missing.deep}}|{{tags}}', data)).toBe('||x, y');
  });

  it('applies filters for safe embedding', () => {
    expect(render('{"t": {{t | json}}}', { t: 'a"b\n' })).toBe('{"t": "a\\"b\\n"}');
    expect(render('<a>{{t | xml}}</a>', { t: '<&>' })).toBe('<a>&lt;&amp;&gt;</a>');
    expect(render('{{t | csv}},{{u | upper}}', { t: 'a,b', u: 'high' })).toBe('"a,b",HIGH');
  });

  it('never calls functions or reads prototype members', () => {
    const data = { f: () => 'called', o: {} };
    expect(render('{{f}}|{{o.constructor}}|{{constructor}}|{{o.__proto__}}|{{#f}}x{{/f}}', data)).toBe('||||');
    expect(render('{{toString}}{{hasOwnProperty}}', Object.create({ toString: 'inherited' }) as object)).toBe('');
  });

  it.each(['{{#a}}', '{{/a}}', '{{#a}}{{/b}}', '{{a', '{{a | nope}}', '{{a b}}', '{{#a.}}{{/a.}}', 'x'.repeat(300 * 1024)])('rejects %#', (template) => {
    try {
      parseTemplate(template);
      expect.unreachable();
    } catch (error) {
      expect(isSekishoError(error) && error.code === 'USAGE_INVALID').toBe(true);
    }
  });

  it('bounds nesting depth', () => {
    expect(() => parseTemplate('{{#a}}'.repeat(40) + '{{/a}}'.repeat(40))).toThrow(/nested/);
  });
});
