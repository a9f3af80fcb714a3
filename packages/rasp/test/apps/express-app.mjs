// A deliberately vulnerable Express application for the in-app protection tests. Never deploy it.
import { exec } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import pg from 'pg';

const app = express();
const publicDir = path.join(import.meta.dirname, 'public');
const db = new pg.Pool({ connectionString: process.env.SEKISHO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', max: 2 });
const users = "SELECT * FROM (VALUES (1, 'alice'), (2, 'bob')) AS users(id, name)";

app.use(express.json());
app.get('/ping', (req, res, next) => {
  try {
    exec(`echo ${req.query.host}`, (error, stdout) => (error ? res.status(500).send('error') : res.send(stdout)));
  } catch (error) {
    next(error);
  }
});
app.get('/file', async (req, res, next) => {
  try {
    res.send(await readFile(path.join(publicDir, String(req.query.name)), 'utf8'));
  } catch (error) {
    if (error?.code === 'ENOENT') res.status(404).send('no such file');
    else next(error);
  }
});
app.get('/fetch', (req, res, next) => {
  try {
    const out = http.get(String(req.query.url), (r) => r.resume());
    out.on('error', () => {});
    out.setTimeout(300, () => out.destroy());
    res.send('fetching');
  } catch (error) {
    next(error);
  }
});
// options with a null port: Node takes it as the default port, and so must the check
app.get('/fetch-host', (req, res, next) => {
  try {
    const out = http.request({ host: String(req.query.host), port: null, path: '/latest/meta-data/' }, (r) => r.resume());
    out.on('error', () => {});
    out.setTimeout(300, () => out.destroy());
    out.end();
    res.send('fetching');
  } catch (error) {
    next(error);
  }
});
app.get('/calc', (req, res, next) => {
  try {
    res.send(String(eval(String(req.query.expr))));
  } catch (error) {
    next(error);
  }
});
app.get('/user', async (req, res, next) => {
  try {
    const { rows } = await db.query(`${users} WHERE name = '${req.query.name}'`);
    res.json(rows);
  } catch (error) {
    if (error?.code === 'SEKISHO_RASP_BLOCKED') return next(error);
    res.status(400).send('query failed');
  }
});
app.get('/user-safe', async (req, res, next) => {
  try {
    const { rows } = await db.query(`${users} WHERE name = $1`, [String(req.query.name)]);
    res.json(rows);
  } catch (error) {
    next(error);
  }
});
// Honest work for the benchmark: a file read and a JSON round trip per request, through the hooks.
app.get('/items', async (req, res) => {
  const text = await readFile(path.join(publicDir, 'readme.txt'), 'utf8');
  res.json(JSON.parse(JSON.stringify({ q: String(req.query.q ?? ''), text })));
});
app.post('/settings', (req, res) => {
  const settings = Object.assign({}, req.body);
  res.json({ saved: Object.keys(settings).length });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stderr.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => db.end().finally(() => process.exit(0))));
