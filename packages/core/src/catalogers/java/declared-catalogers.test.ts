import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { javaGradleLockfileCataloger } from './gradle-lockfile-cataloger.js';
import { javaJvmCataloger } from './jvm-cataloger.js';
import { javaPomCataloger } from './pom-cataloger.js';

describe('javaGradleLockfileCataloger', () => {
  it('reads group:artifact:version lines and skips comments and empty=', async () => {
    const out = await catalogFile(javaGradleLockfileCataloger, '/p/gradle.lockfile', '# lock\norg.a:b:1.0=compileClasspath\nbad-line\nempty=annotationProcessor\n');
    expect(out.packages.map((p) => [p.purl, p.evidence])).toEqual([['pkg:maven/org.a/b@1.0', 'declared']]);
  });
});

describe('javaPomCataloger', () => {
  it('emits the project and its declared dependencies with depends-on edges', async () => {
    const out = await catalogFile(
      javaPomCataloger,
      '/src/pom.xml',
      '<project><groupId>g</groupId><artifactId>app</artifactId><version>1</version><dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>2</version></dependency></dependencies></project>',
    );
    expect(out.packages.map((p) => p.purl)).toEqual(['pkg:maven/g/app@1', 'pkg:maven/x/y@2']);
    expect(out.relationships).toEqual([{ fromRef: '/src/pom.xml#project', toRef: '/src/pom.xml#dep:0', type: 'depends-on' }]);
  });
});

describe('javaJvmCataloger', () => {
  it('ignores release files that are not a JVM', async () => {
    expect((await catalogFile(javaJvmCataloger, '/etc/release', 'NAME=foo\n')).packages).toEqual([]);
  });
});

const fixtures = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'java', 'testdata');
describe.skipIf(!fixtures)('Syft java fixtures', () => {
  const dir = (p: string) => resolve(fixtures ?? '', p);
  it('gradle.lockfile', async () => {
    const out = await catalogDirectory(javaGradleLockfileCataloger, dir('gradle'));
    expect(out.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:maven/joda-time/joda-time@2.2',
      'pkg:maven/junit/junit@4.12',
      'pkg:maven/org.apache.commons/commons-text@1.8',
      'pkg:maven/org.hamcrest/hamcrest-core@1.3',
    ]);
  });

  it('commons-text pom.xml: project plus dependencies, parent-managed version left empty', async () => {
    const out = await catalogDirectory(javaPomCataloger, dir('pom/commons-text-1.10.0'));
    expect(out.packages).toHaveLength(11);
    expect(out.packages[0]?.purl).toBe('pkg:maven/org.apache.commons/commons-text@1.10.0');
    expect(out.packages.find((p) => p.name === 'junit-jupiter')?.purl).toBe('pkg:maven/org.junit.jupiter/junit-jupiter');
    expect(out.packages.find((p) => p.name === 'jmh-core')?.version).toBe('1.35');
    expect(out.relationships).toHaveLength(10);
  });

  it('corrupt pom.xml is an unknown', async () => {
    const out = await catalogDirectory(javaPomCataloger, dir('corrupt'));
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toHaveLength(1);
  });

  it('Oracle JDK 8 (javac beside the release file) and Temurin 21', async () => {
    const oracle = await catalogDirectory(javaJvmCataloger, dir('jvm-installs/oracle-jdk-se-8'));
    expect(oracle.packages.map((p) => [p.name, p.version, p.purl, p.cpes])).toEqual([
      ['jdk', '1.8.0_411-b25', 'pkg:generic/oracle/jdk@1.8.0_411-b25', ['cpe:2.3:a:oracle:jdk:1.8.0:update411:*:*:*:*:*:*']],
    ]);
    const temurin = await catalogDirectory(javaJvmCataloger, dir('jvm-installs/valid-post-jep223'));
    expect(temurin.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['openjdk', '21.0.4+7-LTS', 'pkg:generic/oracle/openjdk@21.0.4+7-LTS?repository_url=https%3A%2F%2Fgithub.com%2Fadoptium%2Fjdk21u.git'],
    ]);
  });
});
