import { join } from 'node:path';
import { repoRoot, requiredTestData } from './shared-data.js';

/** Where scripts/build-fixture-images.sh puts the real images (SEKISHO_FIXTURES_DIR or .fixtures/images). */
export function fixtureImagesDir(): string {
  return process.env['SEKISHO_FIXTURES_DIR'] ?? join(repoRoot(), '.fixtures', 'images');
}

/**
 * Path of a built fixture image (`oci` layout or `image.tar` docker-archive), or null when it has
 * not been built. With SEKISHO_REQUIRE_FIXTURES=1 (set by CI) a missing image is an error, so a
 * broken fixture build cannot turn end-to-end tests into silent skips.
 */
export function fixtureImage(name: string, form: 'oci' | 'image.tar' = 'oci'): string | null {
  const path = join(fixtureImagesDir(), name, form);
  return requiredTestData(path, 'path', 'run scripts/build-fixture-images.sh');
}
