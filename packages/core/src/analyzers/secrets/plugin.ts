import type { AnalyzerPlugin, ImageConfigStrings } from '../plugin.js';
import { createSecretsAnalyzer, secretRulesFingerprint } from './analyzer.js';
import { scanConfigStrings } from './config-strings.js';
import { loadSecretConfig } from './user-config.js';

/** `--scanners secret`: file contents as layers stream, and the image configuration (Env, Labels, history). */
export const secretsAnalyzerPlugin: AnalyzerPlugin<'secret'> = {
  scanner: 'secret',
  setup: async (options) => {
    const userRules = options.secretConfig === undefined ? {} : await loadSecretConfig(options.secretConfig);
    const secretOptions = { ...userRules, showSecrets: options.showSecrets === true, distroTrees: options.distroTrees === true };
    const configAnalyzer = (config: ImageConfigStrings): ReturnType<typeof scanConfigStrings> =>
      scanConfigStrings(
        [
          ...config.env.map((value, index) => ({ where: 'env' as const, key: value.split('=')[0] ?? '', value: value.slice(value.indexOf('=') + 1), index })),
          ...Object.entries(config.labels).map(([key, value]) => ({ where: 'label' as const, key, value })),
          ...config.history.map((value, index) => ({ where: 'history' as const, key: 'created_by', value, index })),
        ],
        secretOptions,
      );
    return {
      analyzers: [createSecretsAnalyzer(secretOptions)],
      configAnalyzers: [configAnalyzer],
      analyzerOptions: { secrets: secretRulesFingerprint(secretOptions), showSecrets: secretOptions.showSecrets, distroTrees: secretOptions.distroTrees },
    };
  },
};
