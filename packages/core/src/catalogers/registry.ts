import { apkCataloger } from './apk/index.js';
import { dpkgCataloger } from './dpkg/index.js';
import { rpmCataloger } from './rpm/index.js';
import type { Cataloger } from './types.js';

/** Every cataloger, explicitly (no side-effect registration). */
export const catalogers: readonly Cataloger[] = [dpkgCataloger, apkCataloger, rpmCataloger];
