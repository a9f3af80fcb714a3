/**
 * The dashboard's static files under /ui/ (content-hashed assets cached for a year, index.html never),
 * with a Content-Security-Policy that lets the page talk to this origin only. The UI needs no role:
 * every byte of data it shows comes from the API with the user's token.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function serveDashboard(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/ui/',
    index: ['index.html'],
    wildcard: true,
    setHeaders: (res, path) => {
      void res.header('content-security-policy', CSP);
      void res.header('x-content-type-options', 'nosniff');
      void res.header('referrer-policy', 'no-referrer');
      void res.header('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  app.get('/', { config: { role: 'public', action: 'ui.redirect', audit: false }, schema: { hide: true } }, (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui', { config: { role: 'public', action: 'ui.redirect', audit: false }, schema: { hide: true } }, (_request, reply) => reply.redirect('/ui/'));
}
