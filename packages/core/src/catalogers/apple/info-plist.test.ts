import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSelector } from '../../util/file-selector.js';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { appleAppBundleCataloger } from './index.js';

const PATH = '/Applications/Example.app/Contents/Info.plist';
const parse = (content: string | Buffer, path = PATH) => catalogFile(appleAppBundleCataloger, path, content);

const xmlPlist = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
${body}
</dict>
</plist>
`;
const entry = (key: string, value: string): string => `\t<key>${key}</key>\n\t<string>${value}</string>`;

type BValue = string | number | boolean | BValue[] | { [key: string]: BValue };

/** A `bplist00` file: objects in order of first use, 1-byte references, 2-byte offsets. */
function bplist(top: BValue, options: { utf16?: boolean } = {}): Buffer {
  const objects: Buffer[] = [];
  const add = (value: BValue): number => {
    const index = objects.length;
    objects.push(Buffer.alloc(0));
    const head = (type: number, count: number): Buffer => (count < 15 ? Buffer.from([(type << 4) | count]) : Buffer.from([(type << 4) | 0xf, 0x10, count]));
    if (typeof value === 'string') {
      if (options.utf16 === true) {
        const body = Buffer.from(value, 'utf16le');
        body.swap16();
        objects[index] = Buffer.concat([head(0x6, value.length), body]);
      } else objects[index] = Buffer.concat([head(0x5, value.length), Buffer.from(value, 'latin1')]);
    } else if (typeof value === 'number') objects[index] = Buffer.from([0x12, (value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
    else if (typeof value === 'boolean') objects[index] = Buffer.from([value ? 0x09 : 0x08]);
    else if (Array.isArray(value)) {
      const refs = value.map(add);
      objects[index] = Buffer.concat([head(0xa, refs.length), Buffer.from(refs)]);
    } else {
      const keys = Object.keys(value).map(add);
      const values = Object.values(value).map(add);
      objects[index] = Buffer.concat([head(0xd, keys.length), Buffer.from(keys), Buffer.from(values)]);
    }
    return index;
  };
  add(top);
  const offsets: number[] = [];
  let at = 8;
  for (const object of objects) {
    offsets.push(at);
    at += object.length;
  }
  const table = Buffer.concat(offsets.map((o) => Buffer.from([o >> 8, o & 255])));
  const trailer = Buffer.alloc(32);
  trailer[6] = 2;
  trailer[7] = 1;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(0n, 16);
  trailer.writeBigUInt64BE(BigInt(at), 24);
  return Buffer.concat([Buffer.from('bplist00'), ...objects, table, trailer]);
}

describe('apple-app-bundle-cataloger', () => {
  const installExample = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'apple', 'testdata', 'install-example');
  it.skipIf(installExample === null)('finds Slack in Syft’s install example: name, version, no purl, bundle fields', async () => {
    const out = await catalogDirectory(appleAppBundleCataloger, installExample ?? '');
    expect(out.selectedPaths).toEqual(['/Applications/Slack.app/Contents/Info.plist']);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.evidence, p.paths])).toEqual([
      ['Slack', '4.50.128', 'apple-app-bundle', null, 'installed', ['/Applications/Slack.app/Contents/Info.plist']],
    ]);
    expect(out.packages[0]?.metadata).toEqual({
      type: 'language-package',
      source: 'Info.plist',
      fields: {
        bundleIdentifier: 'com.tinyspeck.slackmacgap',
        bundleName: 'Slack',
        displayName: 'Slack',
        executable: 'Slack',
        shortVersion: '4.50.128',
        bundleVersion: '450000128',
        packageType: 'APPL',
        minimumSystemVersion: '12.0',
        copyright: '©2026 Slack Technologies LLC, a Salesforce company. All rights reserved.',
        sdkName: 'macosx15.5',
      },
    });
  });

  const parseCases = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'apple', 'testdata', 'parse-cases');
  it.skipIf(parseCases === null)('reads Syft’s parse cases: name from the executable, no version, malformed', async () => {
    const read = (name: string) => parse(readFileSync(`${parseCases ?? ''}/${name}`));
    const fromExecutable = await read('name-from-executable.plist');
    expect(fromExecutable.packages.map((p) => [p.name, p.version, p.purl])).toEqual([['Exec', '1.0', null]]);
    expect(fromExecutable.packages[0]?.metadata).toMatchObject({ fields: { executable: 'Exec' } });
    expect(await read('no-version.plist')).toMatchObject({ packages: [], unknowns: [] });
    const malformed = await read('malformed.plist');
    expect(malformed.packages).toEqual([]);
    expect(malformed.unknowns).toHaveLength(1);
    expect(malformed.unknowns[0]?.reason).toMatch(/^Info.plist not read: missing = in dictionary/);
  });

  it('falls back as Syft does: identifier as the name, bundle version as the version; no name, no package', async () => {
    const fromIdentifier = await parse(xmlPlist(`${entry('CFBundleIdentifier', 'com.example.app')}\n${entry('CFBundleShortVersionString', '1.0')}`));
    expect(fromIdentifier.packages.map((p) => [p.name, p.version])).toEqual([['com.example.app', '1.0']]);
    expect(fromIdentifier.packages[0]?.metadata).toMatchObject({ fields: { bundleIdentifier: 'com.example.app' } });
    const fromBundleVersion = await parse(xmlPlist(`${entry('CFBundleName', 'Name')}\n${entry('CFBundleVersion', '42')}`));
    expect(fromBundleVersion.packages.map((p) => [p.name, p.version])).toEqual([['Name', '42']]);
    expect(await parse(xmlPlist(entry('CFBundleShortVersionString', '1.0')))).toMatchObject({ packages: [], unknowns: [] });
    const displayFirst = await parse(xmlPlist(`${entry('CFBundleName', 'ghostty-bin')}\n${entry('CFBundleDisplayName', 'Ghostty')}\n${entry('CFBundleShortVersionString', '1.3.1')}`));
    expect(displayFirst.packages.map((p) => p.name)).toEqual(['Ghostty']);
  });

  it('keeps array fields and reads XML escapes, CDATA and a DOCTYPE subset without expanding entities', async () => {
    const text = `<?xml version="1.0"?>
<!DOCTYPE plist [ <!ENTITY boom "BOOM"> ]>
<plist version="1.0"><dict>
  <key>CFBundleName</key><string>Tom &amp; Jerry &#x263A; &boom;</string>
  <key>CFBundleShortVersionString</key><string><![CDATA[2.0 <beta>]]></string>
  <key>CFBundleSupportedPlatforms</key><array><string>MacOSX</string><string>iPhoneOS</string></array>
  <key>LSRequiresIPhoneOS</key><true/>
  <key>UIDeviceFamily</key><array><integer>1</integer><integer>2</integer></array>
  <key>Icon</key><data>AAEC
  Aw==</data>
  <key>Built</key><date>2024-01-02T03:04:05Z</date>
  <key>Scale</key><real>1.5</real>
  <key>Nested</key><dict><key>a</key><dict/></dict>
</dict></plist>`;
    const out = await parse(text);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version])).toEqual([['Tom & Jerry ☺ &boom;', '2.0 <beta>']]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { supportedPlatforms: 'MacOSX, iPhoneOS' } });
  });

  it('reads binary plists (bplist00), ASCII and UTF-16 strings', async () => {
    const dict = { CFBundleName: 'Résumé', CFBundleShortVersionString: '3.1', CFBundleIdentifier: 'com.example.resume', CFBundleSupportedPlatforms: ['MacOSX'], LSUIElement: true };
    for (const utf16 of [false, true]) {
      const out = await parse(bplist(dict, { utf16 }));
      expect(out.unknowns).toEqual([]);
      expect(out.packages.map((p) => [p.name, p.version])).toEqual([['Résumé', '3.1']]);
      expect(out.packages[0]?.metadata).toMatchObject({ fields: { bundleIdentifier: 'com.example.resume', supportedPlatforms: 'MacOSX' } });
    }
    const longKey = await parse(bplist({ CFBundleName: 'x'.repeat(40), CFBundleVersion: 7 }));
    expect(longKey.packages.map((p) => [p.name.length, p.version])).toEqual([[40, '7']]);
  });

  it('makes unknowns of broken binary plists, without reading outside the file', async () => {
    const good = bplist({ CFBundleName: 'A', CFBundleVersion: '1' });
    const cases: [Buffer, string][] = [
      [good.subarray(0, 20), 'file too short'],
      [Buffer.concat([Buffer.from('bplist15'), good.subarray(8)]), 'version "15" is not supported'],
      [bplist(['not', 'a', 'dict']), 'top object is not a dictionary'],
    ];
    const badTable = Buffer.from(good);
    badTable.writeBigUInt64BE(0xffffffn, badTable.length - 8);
    cases.push([badTable, 'offset table outside the file']);
    const badRef = Buffer.from(good);
    badRef[9] = 200; // the first key reference of the top dictionary
    cases.push([badRef, 'object reference 200 out of range']);
    const badCount = Buffer.from(good);
    badCount[8] = 0xdf; // a dictionary of 15+ entries whose length marker is missing
    cases.push([badCount, 'invalid length']);
    for (const [data, reason] of cases) {
      const out = await parse(data);
      expect(out.packages).toEqual([]);
      expect(out.unknowns[0]?.reason).toContain(reason);
    }
  });

  it('reads the OpenStep/GNUstep text form and .strings pairs', async () => {
    const openStep = `// an old-style plist
{ CFBundleName = "Open \\"Step\\"\\U263a"; CFBundleShortVersionString = 1.0.2; /* c */ Flags = (a, "b", ); Data = <0fbd 77>; }`;
    expect((await parse(openStep)).packages.map((p) => [p.name, p.version])).toEqual([['Open "Step"☺', '1.0.2']]);
    const gnustep = '{ CFBundleExecutable = tool; CFBundleVersion = <*I12>; }';
    expect((await parse(gnustep)).packages.map((p) => [p.name, p.version])).toEqual([['tool', '12']]);
    const strings = 'CFBundleName = "Pairs";\nCFBundleVersion = "9";\n';
    expect((await parse(strings)).packages.map((p) => [p.name, p.version])).toEqual([['Pairs', '9']]);
  });

  it('makes unknowns of what is not a property list, or not a dictionary, or a name that is not a string', async () => {
    const reasons = async (content: string) => (await parse(content)).unknowns.map((u) => u.reason);
    expect(await reasons(xmlPlist('<key>CFBundleName</key>'))).toEqual(['Info.plist not read: missing value in dictionary']);
    expect(await reasons(xmlPlist(`${entry('CFBundleName', 'x')}\n<key>CFBundleVersion</key><integer>seven</integer>`))).toEqual(['Info.plist not read: invalid <integer> "seven"']);
    expect(await reasons('<?xml version="1.0"?><plist><dict><key>a</key></plist>')).toEqual([expect.stringMatching(/^Info.plist not read: invalid XML plist: mismatched end tag/)]);
    expect(await reasons('<plist><array><string>a</string></array></plist>')).toEqual(['Info.plist not read: the top object is an array, not a dictionary']);
    expect(await reasons('<html><body/></html>')).toEqual(['Info.plist not read: not a property list: XML root <html>']);
    expect(await reasons(xmlPlist('<key>CFBundleName</key><dict/>\n<key>CFBundleVersion</key><string>1</string>'))).toEqual(['Info.plist not read: CFBundleName is a dict, not a string']);
    const numbered = await parse(xmlPlist(`${entry('CFBundleName', 'N')}\n<key>CFBundleVersion</key><integer>5</integer>`));
    expect(numbered.packages.map((p) => p.version)).toEqual(['5']);
    for (const empty of ['', '  \n', '<plist/>']) expect(await parse(empty)).toMatchObject({ packages: [], unknowns: [] });
  });

  it('reads UTF-16 plists and stays bounded on hostile input', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xmlPlist(`${entry('CFBundleName', 'Wide')}\n${entry('CFBundleVersion', '2')}`), 'utf16le')]);
    expect((await parse(utf16)).packages.map((p) => p.name)).toEqual(['Wide']);
    const bigEndian = Buffer.from(utf16.subarray(2));
    bigEndian.swap16();
    expect((await parse(Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian, Buffer.from([0x20])]))).packages.map((p) => p.name)).toEqual(['Wide']);
    const deep = await parse(`{ a = ${'('.repeat(300)}${')'.repeat(300)}; }`);
    expect(deep.unknowns[0]?.reason).toContain('nested deeper than 128');
    const escapes = await parse(`{ CFBundleName = "${'\\n'.repeat(300_000)}x"; CFBundleVersion = 1; }`);
    expect(escapes.packages.map((p) => p.name)).toEqual(['x']);
    const digits = await parse(xmlPlist(`<key>Scale</key><real>${'1'.repeat(200_000)}x</real>\n<key>Icon</key><data>${' '.repeat(200_000)}!</data>`));
    expect(digits.unknowns[0]?.reason).toContain('invalid <real>');
    const spaces = await parse(xmlPlist(`<key>Icon</key><data>${' '.repeat(200_000)}!</data>`));
    expect(spaces.unknowns[0]?.reason).toContain('invalid base64');
    const unterminated = await parse(`{ CFBundleName = "${'\\t'.repeat(100_000)}`);
    expect(unterminated.unknowns[0]?.reason).toContain('unexpected end in quoted string');
  });

  it('selects Info.plist files of .app bundles only (Syft’s glob)', () => {
    const selects = compileSelector(appleAppBundleCataloger.selector);
    expect(selects('/Applications/Slack.app/Contents/Info.plist')).toBe(true);
    expect(selects('/Users/me/Applications/Tools/Editor.app/Contents/Info.plist')).toBe(true);
    expect(selects('/Applications/Slack.app/Contents/Frameworks/X.framework/Resources/Info.plist')).toBe(false);
    expect(selects('/opt/Info.plist')).toBe(false);
  });
});
