import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-licenses-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const status = 'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b7\n\nPackage: mystery\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n';
const copyright = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: FSF\nLicense: GPL-3+\n';

describe('sekisho image --scanners license', () => {
  it('adds the licence table: Debian copyright licences as SPDX, counts by licence, no findings', async () => {
    const layout = path.join(dir, 'layout');
    await writeOciLayout(layout, {
      layers: [
        {
          entries: [
            { name: 'var/lib/dpkg/status', content: status },
            { name: 'usr/share/doc/bash/copyright', content: copyright },
          ],
        },
      ],
    });
    let out = '';
    const code = await runCli(['image', layout, '--scanners', 'license', '--format', 'table'], { stdout: (t) => (out += t), stderr: () => undefined, isTty: false });
    expect(code).toBe(0);
    expect(out).toContain('Licences: 1 of 2 packages state one (1 state none)');
    expect(out).toMatch(/GPL-3\.0-or-later\s*│\s*1/);
    expect(out).toMatch(/mystery\s*│.*\(none stated\)/);
    expect(out).not.toContain('Findings:');
  });
});
