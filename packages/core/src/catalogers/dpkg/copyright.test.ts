import { layerResult } from '../../testing/layer-result.js';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../inventory/finalize.js';
import { applyLayers } from '../../overlay/apply-layers.js';
import type { CatalogedPackage } from '../types.js';
import { parseCopyright } from './copyright.js';

const file = (name: string, text: string) => ({ path: `/usr/share/doc/${name}/copyright`, content: Buffer.from(text), mode: 0o644, layerIndex: 0 });

// Shortened from Debian bookworm's bash 5.2.15-2 copyright file (DEP-5).
const BASH = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: bash
Source: https://ftp.gnu.org/gnu/bash/

Files: *
Copyright: (C) 1987-2022 Free Software Foundation, Inc.
License: GPL-3+

Files: support/checkbashisms
Copyright: Copyright (C) 1998 Richard Braakman
License: GPL-2+

Files: lib/readline/*
Copyright: 1987-2022 Free Software Foundation
License: GPL-3+ with autoconf exception

Files: examples/loadables/*
Copyright: 2001 Someone
License: Expat or BSD-3-clause

License: GPL-3+
 This program is free software; you can redistribute it and/or modify
 it under the terms of the GNU General Public License as published by
 the Free Software Foundation; either version 3 of the License, or
 (at your option) any later version.
 .
 On Debian systems, the complete text of the GNU General Public
 License version 3 can be found in '/usr/share/common-licenses/GPL-3'.

License: Expat
 Permission is hereby granted, free of charge, …
`;

// Shortened from Debian bookworm's libc6 copyright file (not DEP-5).
const LIBC = `This is the Debian prepackaged version of the GNU C Library version 2.36.

Copyright (C) 1991-2022 Free Software Foundation, Inc.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

On Debian systems, the complete text of the GNU Library
General Public License can be found in \`/usr/share/common-licenses/LGPL-2.1'.

   Some programs are licensed under the GNU General Public License; the complete
   text can be found in \`/usr/share/common-licenses/GPL-2'.
`;

describe('Debian copyright files', () => {
  it('DEP-5: the License of the header and every Files paragraph, short names as SPDX; stand-alone License paragraphs are texts', () => {
    const out = parseCopyright(file('bash', BASH));
    expect(out.packages).toEqual([]);
    expect(out.licenseFacts).toEqual([
      {
        path: '/usr/share/doc/bash/copyright',
        packageType: 'deb',
        packageName: 'bash',
        licenses: ['GPL-3.0-or-later', 'GPL-2.0-or-later', 'GPL-3.0-or-later WITH Autoconf-exception-3.0', 'MIT OR BSD-3-Clause'],
      },
    ]);
  });

  it('other files: the common-licenses texts they cite, "or later" when they say so', () => {
    expect(parseCopyright(file('libc6', LIBC)).licenseFacts?.[0]?.licenses).toEqual(['LGPL-2.1-or-later', 'GPL-2.0-or-later']);
  });

  it('free text that cites no licence states none (no guess)', () => {
    expect(parseCopyright(file('x', 'Copyright 2001 X. Permission is granted to use this.')).licenseFacts).toEqual([]);
  });

  it('DEP-5 paragraphs end at blank lines of spaces or tabs, with any line ending; a License with neither Files nor Format counts for nothing', () => {
    const expected = ['GPL-3.0-or-later', 'GPL-2.0-or-later', 'GPL-3.0-or-later WITH Autoconf-exception-3.0', 'MIT OR BSD-3-Clause'];
    for (const text of [BASH.replace(/\n/g, '\r\n'), BASH.replace(/\n/g, '\r'), BASH.replace(/\n\n/g, '\n \t\n'), BASH.replace(/\n\n/g, '\n\n\n')]) {
      expect(parseCopyright(file('bash', text)).licenseFacts?.[0]?.licenses).toEqual(expected);
    }
    // Without the blank line, `Files: b/*` joins the stand-alone License paragraph: its licence is the last one given.
    const joined = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nLicense: MIT\n text\nFiles: b/*\nLicense: Zlib\n\nLicense: GPL-2\n';
    expect(parseCopyright(file('x', joined)).licenseFacts?.[0]?.licenses).toEqual(['Zlib']);
  });

  it('names a file defines itself become LicenseRef-Debian-…', () => {
    const text = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: public-domain\n\nFiles: a/*\nLicense: GPL-2 with OpenSSL exception\n';
    expect(parseCopyright(file('x', text)).licenseFacts?.[0]?.licenses).toEqual(['LicenseRef-Debian-public-domain', 'GPL-2 with OpenSSL exception']);
  });
});

describe('copyright facts in the inventory', () => {
  const deb = (name: string): CatalogedPackage & { foundBy: string } => ({
    ref: name,
    name,
    version: '1',
    type: 'deb',
    purl: null,
    licenses: [],
    evidence: 'installed',
    source: null,
    metadata: { type: 'dpkg-db-entry', architecture: 'amd64', maintainer: null, installedSize: null, status: 'install ok installed' },
    paths: ['/var/lib/dpkg/status'],
    foundBy: 'dpkg-db-cataloger',
  });
  const layer = layerResult;
  const fact = (name: string, licenses: string[]) => ({ path: `/usr/share/doc/${name}/copyright`, packageType: 'deb' as const, packageName: name, licenses });

  it('attach to the deb of that name, through a symlinked doc folder; a whiteout of the file drops them', () => {
    const merged = applyLayers([
      layer({
        packages: [deb('bash'), deb('libssl3'), deb('libssl-dev'), deb('gone')],
        licenseFacts: [fact('bash', ['GPL-3.0-or-later']), fact('libssl3', ['Apache-2.0']), fact('gone', ['MIT'])],
        symlinks: [['/usr/share/doc/libssl-dev', 'libssl3']],
        paths: ['/var/lib/dpkg/status'],
      }),
      layer({ whiteouts: ['/usr/share/doc/gone'] }),
    ]);
    const inventory = buildInventory(merged, null, []);
    const licences = Object.fromEntries(inventory.packages.map((p) => [p.name, p.licenses]));
    expect(licences).toEqual({ bash: ['GPL-3.0-or-later'], gone: [], 'libssl-dev': ['Apache-2.0'], libssl3: ['Apache-2.0'] });
  });
});
