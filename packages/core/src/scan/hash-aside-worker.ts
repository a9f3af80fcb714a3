/*
 * The thread behind hash-aside.ts: hashes one byte range of a local file and replies once.
 * It does nothing else, so its reads are synchronous, into one buffer used again and again.
 * It imports nothing of the project's (blob-store.ts's hashRange is the same loop, asynchronous):
 * run from sources by the tests, Node strips this file's types but would not find `.ts` modules
 * behind the `.js` names the project imports by, and a thread that loads less starts sooner.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { AsideReply, AsideRequest } from './hash-aside.js';

const READ_BYTES = 1024 * 1024;

function hashRange(request: AsideRequest): AsideReply {
  // The path may be a symlink the user gave (an archive's); what binds the read to the bytes the
  // walk reads is the inode check: the file opened is the one whose state was recorded.
  const fd = openSync(request.path, constants.O_RDONLY);
  try {
    const info = fstatSync(fd, { bigint: true });
    if (info.dev !== request.dev || info.ino !== request.ino) return { error: `${request.path} was replaced` };
    const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
    const hash = createHash('sha256');
    let size = 0;
    while (size < request.length) {
      const bytesRead = readSync(fd, buffer, 0, Math.min(buffer.length, request.length - size), request.offset + size);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { digest: `sha256:${hash.digest('hex')}`, size };
  } finally {
    closeSync(fd);
  }
}

const port = parentPort;
if (port === null) throw new Error('hash-aside-worker.js runs only as a worker thread');
port.once('message', (request: AsideRequest) => {
  let reply: AsideReply;
  try {
    reply = hashRange(request);
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
