import { pollutingKey } from '../detect.js';
import type { Guard } from '../guard.js';

/** JSON parsed while a request is served (body parsers) that would write through `__proto__` or `constructor.prototype`. */
export function hookJsonParse(guard: Guard): void {
  const original = JSON.parse;
  JSON.parse = function (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) {
    const value: unknown = original(text, reviver);
    const context = guard.current();
    if (context !== null && typeof text === 'string' && (text.includes('__proto__') || text.includes('prototype'))) {
      const key = pollutingKey(value);
      if (key !== null)
        guard.decide('prototype-pollution', 'JSON.parse', context, {
          value: { source: 'body', name: key, value: text.slice(0, 256) },
          reason: `a JSON document sets ${key}, which pollutes object prototypes when merged`,
        });
    }
    return value;
  } as typeof JSON.parse;
}
