// A deliberately vulnerable Fastify application for the in-app protection tests. Never deploy it.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';

const app = Fastify();
const publicDir = path.join(import.meta.dirname, 'public');

app.get('/ping', async (req) => execSync(`echo ${req.query.host}`).toString());
app.get('/file', async (req, reply) => {
  try {
    return readFileSync(path.join(publicDir, String(req.query.name)), 'utf8');
  } catch (error) {
    if (error?.code === 'ENOENT') return reply.code(404).send('no such file');
    throw error;
  }
});
app.get('/fetch', async (req) => {
  await fetch(String(req.query.url), { signal: AbortSignal.timeout(300) }).catch(() => {});
  return 'fetched';
});
app.post('/settings', async (req) => ({ saved: Object.keys(Object.assign({}, req.body)).length }));

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stderr.write(`listening ${new URL(address).port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
