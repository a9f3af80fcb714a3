import { describe, expect, it } from 'vitest';
import { ImageConfig, ImageManifest } from '../source/schema.js';
import { parseJson } from '../source/resolve-image.js';

/** Counts code compiled from strings (`new Function`, as zod's fast path makes it) while `run` runs. */
function codeCompiledBy(run: () => void): number {
  const real = globalThis.Function;
  let compiled = 0;
  globalThis.Function = new Proxy(real, {
    construct(target, args: string[]) {
      compiled++;
      return new target(...args);
    },
  });
  try {
    run();
  } finally {
    globalThis.Function = real;
  }
  return compiled;
}

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'b'.repeat(64)}`, size: 20 }],
  }),
);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'c'.repeat(64)}`] }, config: { Env: ['PATH=/usr/bin'] } }));

describe('one-shot parses', () => {
  it('read image documents without compiling a parser for them', () => {
    expect(codeCompiledBy(() => parseJson(manifest, ImageManifest, 'manifest', 'img'))).toBe(0);
    expect(codeCompiledBy(() => parseJson(config, ImageConfig, 'config', 'img'))).toBe(0);
    // What they are spared: the same schema, parsed with zod's defaults, compiles one.
    expect(codeCompiledBy(() => ImageConfig.safeParse(JSON.parse(config.toString())))).toBeGreaterThan(0);
  });
});
