import { describe, expect, it } from 'vitest';

describe('packageurl-js, loaded on first use', () => {
  // This file's worker has not loaded packageurl-js yet: the first call below loads it.
  it('is loaded without building an Intl.Collator, which is back as it was afterwards', async () => {
    const real = Intl.Collator;
    let built = 0;
    const counting = new Proxy(real, {
      construct(target, args: ConstructorParameters<typeof Intl.Collator>) {
        built++;
        return new target(...args);
      },
    });
    (Intl as { Collator: unknown }).Collator = counting;
    try {
      const { parsePackageUrl, purlText } = await import('./package-url.js');
      expect(purlText('npm', '@scope', 'Left-Pad', '1.0.0', { b_x: '1', 'b-x': '2', bx: '3', Ax: '4' }, 'lib/index.js')).toBe('pkg:npm/%40scope/left-pad@1.0.0?ax=4&b-x=2&b_x=1&bx=3#lib/index.js');
      expect(parsePackageUrl('pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12').qualifiers).toEqual({ arch: 'amd64', distro: 'debian-12' });
      expect(built).toBe(0);
      expect(Intl.Collator).toBe(counting);
    } finally {
      (Intl as { Collator: unknown }).Collator = real;
    }
  });
});
