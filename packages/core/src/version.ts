/** Sekisho's version, reported in SBOMs and reports. Keep in step with packages/cli/package.json. */
export const TOOL_VERSION = '0.1.0';
