import { describe, expect, it } from 'vitest';
import { parseReference } from './reference.js';

describe('parseReference', () => {
  const only =
    (...paths: string[]) =>
    (p: string): boolean =>
      paths.includes(p);

  it('splits at the colon after an existing path', () => {
    expect(parseReference('oci:/x/layout:v1', only('/x/layout'))).toEqual({ scheme: 'oci', path: '/x/layout', selector: 'v1' });
    expect(parseReference('/x/img.tar', only('/x/img.tar'))).toEqual({ scheme: 'auto', path: '/x/img.tar', selector: null });
  });

  it('names the directory of oci:DIR:TAG when nothing exists, so errors name it', () => {
    expect(parseReference('oci:/x/missing:v1', only())).toEqual({ scheme: 'oci', path: '/x/missing', selector: 'v1' });
    expect(parseReference('oci-archive:/x/missing.tar@sha256:ab', only())).toEqual({ scheme: 'oci-archive', path: '/x/missing.tar', selector: 'sha256:ab' });
    expect(parseReference('oci:/x/missing', only())).toEqual({ scheme: 'oci', path: '/x/missing', selector: null });
    expect(parseReference('dir:/x/a:b', only())).toEqual({ scheme: 'dir', path: '/x/a:b', selector: null });
  });
});
