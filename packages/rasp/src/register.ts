/**
 * `node --import @sekisho/rasp app.js`: load the configuration (SEKISHO_RASP_CONFIG,
 * SEKISHO_RASP_MODE) and install the hooks before the application's first line runs.
 */
import { loadConfig } from './config.js';
import { install } from './install.js';

install(loadConfig());
