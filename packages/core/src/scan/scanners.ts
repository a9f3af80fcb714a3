import { createSecretsAnalyzer, scanConfigStrings, secretRulesFingerprint } from '../analyzers/secrets/index.js';
import type { LayerAnalyzer } from '../analyzers/types.js';
import type { ImageConfigAnalyzer, ImageConfigStrings } from './scan-image.js';

/** What `sekisho image --scanners` can turn on besides the inventory, which always runs. */
export const SCANNERS = ['vuln', 'secret', 'malware', 'hardening'] as const;
export type Scanner = (typeof SCANNERS)[number];

export interface ScannerOptions {
  readonly showSecrets?: boolean;
}

export interface ScannerSetup {
  readonly analyzers: readonly LayerAnalyzer[];
  readonly configAnalyzers: readonly ImageConfigAnalyzer[];
  /** Everything that changes analyzer output beyond plugin versions: part of layer cache keys. */
  readonly analyzerOptions: Readonly<Record<string, unknown>>;
}

/** Layer analyzers and config analyzers for the selected scanners (vulnerabilities are matched after the scan). */
export function setupScanners(selected: ReadonlySet<Scanner>, options: ScannerOptions = {}): ScannerSetup {
  const analyzers: LayerAnalyzer[] = [];
  const configAnalyzers: ImageConfigAnalyzer[] = [];
  const analyzerOptions: Record<string, unknown> = {};
  if (selected.has('secret')) {
    const secretOptions = { showSecrets: options.showSecrets === true };
    analyzers.push(createSecretsAnalyzer(secretOptions));
    configAnalyzers.push((config: ImageConfigStrings) =>
      scanConfigStrings(
        [
          ...config.env.map((value, index) => ({ where: 'env' as const, key: value.split('=')[0] ?? '', value: value.slice(value.indexOf('=') + 1), index })),
          ...Object.entries(config.labels).map(([key, value]) => ({ where: 'label' as const, key, value })),
          ...config.history.map((value, index) => ({ where: 'history' as const, key: 'created_by', value, index })),
        ],
        secretOptions,
      ),
    );
    analyzerOptions['secrets'] = secretRulesFingerprint(secretOptions);
    analyzerOptions['showSecrets'] = secretOptions.showSecrets;
  }
  return { analyzers, configAnalyzers, analyzerOptions };
}

export function parseScanners(text: string): Set<Scanner> {
  const out = new Set<Scanner>();
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(SCANNERS as readonly string[]).includes(part)) throw new Error(`unknown scanner ${part} (known: ${SCANNERS.join(', ')})`);
    out.add(part as Scanner);
  }
  return out;
}
