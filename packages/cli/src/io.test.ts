import { describe, expect, it } from 'vitest';
import { writeOutput } from './io.js';
import type { CliIo } from './io.js';

describe('writeOutput to stdout', () => {
  it('writes the next chunk only once the one before has gone out', async () => {
    const events: string[] = [];
    let release: (() => void) | null = null;
    const io: CliIo = {
      stdout: (text) => void events.push(`write ${text}`),
      stdoutDrained: () =>
        new Promise<void>((resolve) => {
          release = () => {
            events.push('drained');
            resolve();
          };
        }),
      stderr: () => undefined,
      isTty: false,
    };
    let produced = 0;
    function* chunks(): Generator<string> {
      for (const part of ['a', 'b', 'c']) {
        produced += 1;
        yield part;
      }
    }
    const writing = writeOutput(io, chunks(), undefined);
    for (let i = 0; i < 3; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      // Nothing more is rendered while the stream has not drained.
      expect(produced).toBe(i + 1);
      (release as (() => void) | null)?.();
    }
    await writing;
    expect(events).toEqual(['write a', 'drained', 'write b', 'drained', 'write c', 'drained']);
  });

  it('writes everything at once to an io that cannot tell when stdout drained', async () => {
    let out = '';
    await writeOutput({ stdout: (t) => void (out += t), stderr: () => undefined, isTty: false }, ['x', 'y'], '-');
    expect(out).toBe('xy');
  });
});
