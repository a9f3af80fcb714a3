import type { YAMLParseError } from 'yaml';
import type { Document } from 'yaml';
import { lazyModule } from '../util/lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

/**
 * The duplicate-key errors yaml's `uniqueKeys: true` reports, found in linear time. That option
 * compares each key with every earlier key of its map (yaml `compose/util-map-includes.js`), so an
 * honest 80,000-key ConfigMap costs minutes of CPU. Parse with `uniqueKeys: false`, then call this.
 *
 * Same equality as yaml's default: two keys are equal when they are the same node, or both scalars
 * whose resolved values are strictly equal (`===`). So `1` and `"1"` differ (number vs string),
 * YAML 1.1 `yes` and `true` are equal, `0` and `-0` are equal, `.nan` never equals itself, Date
 * and binary values (objects) and collection keys compare by identity, and merge keys (`<<`, a fresh
 * symbol each) never collide. One `DUPLICATE_KEY` error ("Map keys must be unique") is added per
 * repeated key, and the document's errors are kept in source order.
 */
export function addDuplicateKeyErrors(doc: Document.Parsed): void {
  const found: YAMLParseError[] = [];
  yaml().visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key: unknown = pair.key;
        const identity = yaml().isScalar(key) ? key.value : key;
        if (typeof identity === 'number' && Number.isNaN(identity)) continue;
        if (seen.has(identity)) {
          const start = (yaml().isScalar(key) ? key.range?.[0] : undefined) ?? map.range?.[0] ?? 0;
          found.push(new (yaml().YAMLParseError)([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else {
          seen.add(identity);
        }
      }
    },
  });
  if (found.length === 0) return;
  doc.errors.push(...found);
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}
