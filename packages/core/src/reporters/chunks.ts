import type { RenderOptions, Reporter } from './types.js';
import type { Report } from '@sekisho/model';

/** Lines per chunk: large enough that writing chunks costs little, small enough that no chunk is large. */
const LINES_PER_CHUNK = 2000;

/** Lines, each ended by `\n`, in chunks of a few thousand lines: the output of a text reporter without one giant string. */
export function* lineChunks(lines: Iterable<string>, perChunk: number = LINES_PER_CHUNK): Generator<string> {
  let batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length >= perChunk) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
}

const ELEMENTS_PER_CHUNK = 500;

function indent(text: string, by: string): string {
  return text.includes('\n') ? text.replace(/\n/g, `\n${by}`) : text;
}

const WRAPPER_HEAD = '{\n  "_": [\n';
const WRAPPER_TAIL = '\n  ]\n}';

/**
 * The elements of an array that is a property of the top-level object, as JSON.stringify(…, null,
 * 2) of that object writes them (four spaces in, joined by `,\n`): V8 indents them natively inside
 * a one-property wrapper, and the wrapper is cut off. Indenting each element's own stringification
 * with a replace cost more than the stringification.
 */
function arrayElements(elements: readonly unknown[]): string {
  const wrapped = JSON.stringify({ _: elements }, null, 2);
  return wrapped.slice(WRAPPER_HEAD.length, wrapped.length - WRAPPER_TAIL.length);
}

/**
 * `JSON.stringify(value, null, 2) + "\n"`, byte for byte, in chunks: the top-level arrays (a
 * report's packages, findings, relationships) are written a few hundred elements at a time, so a
 * report of a million packages never becomes one string (V8 strings stop at ~512 MiB) and never
 * sits in memory twice.
 */
export function* jsonChunks(value: Readonly<Record<string, unknown>>): Generator<string> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  let head = '{\n';
  for (let k = 0; k < entries.length; k++) {
    const [key, v] = entries[k]!;
    const comma = k === entries.length - 1 ? '\n' : ',\n';
    const name = `  ${JSON.stringify(key)}: `;
    if (!Array.isArray(v) || v.length === 0) {
      head += `${name}${indent(JSON.stringify(v, null, 2), '  ')}${comma}`;
      continue;
    }
    yield `${head}${name}[\n`;
    for (let i = 0; i < v.length; i += ELEMENTS_PER_CHUNK) {
      const end = Math.min(v.length, i + ELEMENTS_PER_CHUNK);
      yield `${arrayElements(v.slice(i, end))}${end === v.length ? '\n' : ',\n'}`;
    }
    head = `  ]${comma}`;
  }
  yield `${head}}\n`;
}

/** A reporter's output in chunks (its renderChunks when it has one, else its whole render). */
export function reporterChunks(reporter: Reporter, report: Report, options: RenderOptions): Iterable<string> {
  return reporter.renderChunks?.(report, options) ?? [reporter.render(report, options)];
}
