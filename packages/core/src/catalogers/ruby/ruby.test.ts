import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { catalogFiles, edges, ids } from '../lang-common/test-helpers.js';
import { rubyGemfileCataloger } from './gemfile-lock.js';
import { rubyInstalledGemspecCataloger, rubyStrings } from './gemspec.js';

const GEMSPEC = `# -*- encoding: utf-8 -*-
# stub: rack 2.2.3 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "2.2.3"
  s.authors = ["Leah Neukirchen".freeze, "Andr\\u00E9".freeze]
  s.homepage = "https://github.com/rack/rack".freeze
  s.licenses = ["MIT".freeze]
  s.add_runtime_dependency(%q<rack-session>.freeze, [">= 0"])
  s.add_development_dependency(%q<minitest>.freeze, ["~> 5.0"])
end
`;

describe('ruby-installed-gemspec-cataloger', () => {
  it('reads literal assignments without evaluating Ruby', async () => {
    const out = await catalogFile(rubyInstalledGemspecCataloger, '/usr/lib/ruby/gems/3.1.0/specifications/rack-2.2.3.gemspec', GEMSPEC);
    expect(out.packages[0]).toMatchObject({
      name: 'rack',
      version: '2.2.3',
      type: 'gem',
      purl: 'pkg:gem/rack@2.2.3',
      licenses: ['MIT'],
      evidence: 'installed',
      metadata: { fields: { authors: 'Leah Neukirchen, André', homepage: 'https://github.com/rack/rack' } },
    });
  });

  it('links runtime dependencies between gems of one GEM_HOME, default gems included', async () => {
    const home = '/usr/lib/ruby/gems/3.1.0/specifications';
    const out = await catalogFiles(rubyInstalledGemspecCataloger, {
      [`${home}/rack-2.2.3.gemspec`]: GEMSPEC,
      [`${home}/default/rack-session-1.0.0.gemspec`]: 's.name = "rack-session"\ns.version = "1.0.0"\n',
      [`${home}/default/minitest-5.0.gemspec`]: 's.name = "minitest"\ns.version = "5.0"\n',
      ['/app/rack.gemspec']: GEMSPEC,
    });
    expect(ids(out)).toEqual(['minitest@5.0', 'rack-session@1.0.0', 'rack@2.2.3']);
    expect(edges(out)).toEqual(['rack -> rack-session']);
  });

  it('a gemspec whose version is computed is an unknown, not evaluated', async () => {
    const out = await catalogFile(rubyInstalledGemspecCataloger, '/g/specifications/x.gemspec', 's.name = "x"\ns.version = File.read("VERSION").strip\n');
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toHaveLength(1);
  });

  it('decodes Ruby string literals', () => {
    expect(rubyStrings(`["a".freeze, 'b', %q<c>, %q{d}, "e\\"f"]`)).toEqual(['a', 'b', 'c', 'd', 'e"f']);
  });
});

describe('ruby-gemfile-cataloger', () => {
  it('reads specs of GEM, GIT and PATH sections, with platforms and dependencies', async () => {
    const lockfile = [
      'PATH',
      '  remote: ../local',
      '  specs:',
      '    local-gem (1.3.0)',
      '',
      'GIT',
      '  remote: https://github.com/rails/turbolinks.git',
      '  revision: 80216ce',
      '  specs:',
      '    turbolinks (3.0.0)',
      '      coffee-rails',
      '',
      'GEM',
      '  remote: https://rubygems.org/',
      '  specs:',
      '    coffee-rails (4.0.1)',
      '      railties (>= 4.0.0, < 5.0)',
      '    nokogiri (1.13.10-x86_64-linux)',
      '    pre (1.0.0-rc1)',
      '',
      'BAD-SECTION',
      '    bad-entry (5.5.5)',
      '',
      'PLATFORMS',
      '  ruby',
      '',
      'DEPENDENCIES',
      '  turbolinks!',
    ].join('\n');
    const out = await catalogFile(rubyGemfileCataloger, '/app/Gemfile.lock', lockfile);
    expect(ids(out)).toEqual(['coffee-rails@4.0.1', 'local-gem@1.3.0', 'nokogiri@1.13.10', 'pre@1.0.0-rc1', 'turbolinks@3.0.0']);
    expect(out.packages.find((p) => p.name === 'nokogiri')?.purl).toBe('pkg:gem/nokogiri@1.13.10?platform=x86_64-linux');
    expect(out.packages.every((p) => p.evidence === 'declared')).toBe(true);
    expect(edges(out)).toEqual(['turbolinks -> coffee-rails']);
  });

  it('binary input is an unknown', async () => {
    expect((await catalogFile(rubyGemfileCataloger, '/app/Gemfile.lock', Buffer.from([0, 1, 2]))).unknowns).toHaveLength(1);
  });
});
