import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../../testing/shared-data.js';
import { parseArchiveFileName, parseManifest, parsePom, parseProperties } from './java-metadata.js';
import { parseXml } from './mini-xml.js';

describe('parseManifest', () => {
  it('joins continuation lines and splits sections', () => {
    const m = parseManifest('Manifest-Version: 1.0\r\nPlugin-ScmUrl: https://example.com/a\r\n -b\r\n\r\nName: x\r\nKey: v\r\n');
    expect(m.main.get('Plugin-ScmUrl')).toBe('https://example.com/a-b');
    expect(m.sections).toHaveLength(1);
    expect(m.sections[0]?.get('Name')).toBe('x');
  });
});

describe('parseProperties', () => {
  it('accepts =, : and whitespace separators, comments and continuations', () => {
    const p = parseProperties('#c\n! c\ngroupId:org.a\nartifactId = b\nversion 1.0\nlong=a\\\n   b\nesc=\\u0041\\t');
    expect(Object.fromEntries(p)).toEqual({ groupId: 'org.a', artifactId: 'b', version: '1.0', long: 'ab', esc: 'A\t' });
  });
});

describe('parsePom', () => {
  it('takes group and version from the parent and resolves properties', () => {
    const pom = parsePom(`<?xml version="1.0"?>
      <!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>
      <project xmlns="http://maven.apache.org/POM/4.0.0">
        <parent><groupId>org.p</groupId><artifactId>parent</artifactId><version>7</version></parent>
        <artifactId>child</artifactId>
        <properties><dep.version>2.0</dep.version></properties>
        <licenses><license><name>Apache-2.0</name></license></licenses>
        <dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>managed</artifactId><version>3.1</version></dependency></dependencies></dependencyManagement>
        <dependencies>
          <dependency><groupId>g</groupId><artifactId>d</artifactId><version>\${dep.version}</version><scope>test</scope></dependency>
          <dependency><groupId>g</groupId><artifactId>managed</artifactId></dependency>
          <dependency><groupId>g</groupId><artifactId>unresolved</artifactId><version>\${nope}</version></dependency>
        </dependencies>
      </project>`);
    if ('error' in pom) throw new Error(pom.error);
    expect([pom.groupId, pom.artifactId, pom.version, pom.licenses]).toEqual(['org.p', 'child', '7', ['Apache-2.0']]);
    expect(pom.dependencies.map((d) => [d.artifactId, d.version, d.scope])).toEqual([
      ['d', '2.0', 'test'],
      ['managed', '3.1', ''],
      ['unresolved', '${nope}', ''],
    ]);
  });

  it('rejects invalid XML and non-POM documents', () => {
    expect(parsePom('<this is not a valid pom xml>')).toHaveProperty('error');
    expect(parsePom('<a><b></a>')).toHaveProperty('error');
    expect(parsePom('<settings/>')).toHaveProperty('error');
  });

  it('bounds nesting depth', () => {
    expect(parseXml('<a>'.repeat(10_000) + '</a>'.repeat(10_000))).toHaveProperty('error');
  });
});

describe('parseArchiveFileName', () => {
  it.each([
    ['commons-lang3-3.12.0.jar', 'commons-lang3', '3.12.0'],
    ['guava-31.1-jre.jar', 'guava', '31.1-jre'],
    ['commons-io.jar', 'commons-io', ''],
    ['com.fasterxml.jackson.core.jackson-core-2.15.2.jar', 'com.fasterxml.jackson.core.jackson-core', '2.15.2'],
  ])('%s', (file, name, version) => expect(parseArchiveFileName(file)).toEqual({ name, version }));
});

const fixtures = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'java', 'testdata');
describe.skipIf(!fixtures)('Syft java metadata fixtures', () => {
  const read = (p: string) => readFileSync(resolve(fixtures ?? '', p), 'utf8');
  it('manifests parse without losing continuation text', () => {
    expect(parseManifest(read('manifest/continuation')).main.get('Plugin-ScmUrl')).toBe('https://github.com/jenkinsci/plugin-pom/example-jenkins-plugin');
    const extra = parseManifest(read('manifest/extra-empty-lines'));
    expect(extra.main.get('Created-By')).toBe('Apache Maven 3.6.3');
    expect(extra.sections.map((s) => s.get('Name') ?? null)).toContain('thing-2');
    expect(parseManifest(read('manifest/version-with-date')).main.get('Implementation-Version')).toBe('1.3 2244 October 5 2005');
    expect(parseManifest(read('manifest/leading-space')).main.get('Key-keykeykey')).toMatch(/^initialconfig:com/);
  });

  it.each([
    ['pom/colon-delimited.pom.properties', 'example-java-app-maven', '0.1.0'],
    ['pom/equals-delimited-with-colons.pom.properties', 'example-java:app-maven', '0.1.0:something'],
    ['pom/colon-delimited-with-equals.pom.properties', 'example-java=app-maven', '0.1.0=something'],
  ])('%s', (p, artifactId, version) => {
    const props = parseProperties(read(p));
    expect([props.get('groupId'), props.get('artifactId'), props.get('version')]).toEqual(['org.anchore', artifactId, version]);
  });
});
