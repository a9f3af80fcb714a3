import { describe, expect, it } from 'vitest';
import { detectDistro, parseOsRelease } from './detect-distro.js';

const today = new Date('2026-11-22T00:00:00Z');
const detect = (files: Record<string, string>, distroless = false) => detectDistro({ files: new Map(Object.entries(files)), distroless, today });

describe('detectDistro', () => {
  it('reads Debian bookworm from os-release', () => {
    const d = detect({
      '/usr/lib/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
      '/etc/debian_version': '12.7\n',
    });
    expect(d).toMatchObject({
      id: 'debian',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      eol: { status: 'supported', date: '2026-06-10', phase: 'extended', phaseEnds: '2028-06-30', extendedName: 'Debian LTS' },
    });
  });

  it.each([
    [
      'ubuntu',
      'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\n',
      { id: 'ubuntu', versionId: '22.04', codename: 'jammy', idLike: ['debian'], eol: { status: 'supported' } },
    ],
    ['alpine', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n', { id: 'alpine', versionId: '3.20.3', eol: { status: 'eol', date: '2026-04-01' } }],
    ['rocky', 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n', { id: 'rocky', versionId: '9.4', eol: { status: 'supported' } }],
    ['amazon linux', 'NAME="Amazon Linux"\nID="amzn"\nVERSION_ID="2023"\n', { id: 'amzn', versionId: '2023' }],
    ['wolfi', 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\n', { id: 'wolfi', eol: { status: 'unknown' } }],
    ['sles', 'NAME="SLES"\nVERSION_ID="15.6"\nID="sles"\n', { id: 'sles', versionId: '15.6' }],
  ])('reads %s', (_name, text, expected) => {
    expect(detect({ '/etc/os-release': text })).toMatchObject(expected);
  });

  it('falls back to release files', () => {
    expect(detect({ '/etc/alpine-release': '3.18.4\n' })).toMatchObject({ id: 'alpine', versionId: '3.18.4' });
    expect(detect({ '/etc/debian_version': '11.9\n' })).toMatchObject({ id: 'debian', versionId: '11', codename: 'bullseye' });
    expect(detect({ '/etc/debian_version': 'trixie/sid\n' })).toMatchObject({ id: 'debian', versionId: '', codename: 'trixie' });
    expect(detect({ '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n' })).toMatchObject({ id: 'centos', versionId: '7.9.2009', eol: { status: 'eol' } });
  });

  it('marks distroless images', () => {
    expect(detect({ '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n' }, true)).toMatchObject({ distroless: true });
  });

  it('returns null when nothing identifies the OS', () => {
    expect(detect({})).toBeNull();
  });

  it('parses quotes and escapes', () => {
    expect(parseOsRelease('A="x \\"y\\""\nB=\'z\'\n# c\nbad line')).toEqual({ A: 'x "y"', B: 'z' });
  });

  it('reads every line (the file is bounded by size): comment padding cannot hide ID', () => {
    expect(parseOsRelease(`${'# padding\n'.repeat(500)}ID=debian\nVERSION_ID="12"\n`)).toEqual({ ID: 'debian', VERSION_ID: '12' });
  });
});
