import { alpineSecdbImporter } from './alpine-secdb/index.js';
import { debianDsaImporter } from './debian-dsa/index.js';
import { debianTrackerImporter } from './debian-tracker/index.js';
import { epssImporter } from './epss/index.js';
import { kevImporter } from './kev/index.js';
import { npmNspImporter } from './npm-nsp/index.js';
import { nvdImporter } from './nvd/index.js';
import { osvImporter } from './osv/index.js';
import { rustsecImporter } from './rustsec/index.js';
import type { FeedImporter } from './types.js';

/** Every feed importer, in detection order (the first whose `detect` accepts a file reads it). */
export const FEED_IMPORTERS: readonly FeedImporter[] = [
  npmNspImporter,
  kevImporter,
  nvdImporter,
  debianTrackerImporter,
  alpineSecdbImporter,
  osvImporter,
  rustsecImporter,
  debianDsaImporter,
  epssImporter,
];
