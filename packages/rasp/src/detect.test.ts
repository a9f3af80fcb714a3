import { describe, expect, it } from 'vitest';
import type { RequestValue } from './context.js';
import { classifyHost, detectCodeInjection, detectCommandInjection, detectPathTraversal, detectSqlInjection, detectSsrf, pollutingKey } from './detect.js';

const q = (value: string, name = 'p'): RequestValue => ({ source: 'query', name, value });

describe('detectors', () => {
  it('command injection: request data with shell syntax inside the command; plain data is not an attack', () => {
    expect(detectCommandInjection('echo x; id', [q('x; id', 'host')], 3)?.value.name).toBe('host');
    expect(detectCommandInjection('echo $(id)', [q('$(id)')], 3)).not.toBeNull();
    expect(detectCommandInjection('echo example.com', [q('example.com')], 3)).toBeNull();
    // shell syntax that the application wrote itself, not the client
    expect(detectCommandInjection('ls | wc -l', [q('ls')], 3)).toBeNull();
  });

  it('path traversal: climbing values, also after path.join normalized them; absolute values only when the path is that file', () => {
    expect(detectPathTraversal('/srv/app/public/../../../etc/passwd', [q('../../../etc/passwd')], 3, [])).not.toBeNull();
    expect(detectPathTraversal('/etc/passwd', [q('../../../etc/passwd')], 3, [])).not.toBeNull();
    expect(detectPathTraversal('/etc/passwd', [q('/etc/passwd')], 3, [])).not.toBeNull();
    // join(base, '/etc/passwd') stays inside base; a/../b never climbs
    expect(detectPathTraversal('/srv/app/public/etc/passwd', [q('/etc/passwd')], 3, [])).toBeNull();
    expect(detectPathTraversal('/srv/app/public/b.txt', [q('a/../b.txt')], 3, [])).toBeNull();
    expect(detectPathTraversal('/srv/app/public/readme.txt', [q('readme.txt')], 3, [])).toBeNull();
    // with roots, only a path that leaves them
    expect(detectPathTraversal('/srv/app/public/img/x.png', [q('../public/img/x.png')], 3, ['/srv/app/public'])).toBeNull();
    expect(detectPathTraversal('/srv/app/secret.env', [q('../secret.env')], 3, ['/srv/app/public'])).not.toBeNull();
  });

  it("SSRF: hosts the client named, in any spelling the URL parser normalizes; the application's own metadata calls are not request data", () => {
    for (const payload of [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0xa9fea9fe/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      expect(detectSsrf(new URL(payload), [q(payload, 'url')], 3, false), payload).not.toBeNull();
    }
    expect(detectSsrf(new URL('http://169.254.169.254/latest/api/token'), [q('api'), q('latest')], 3, false)).toBeNull();
    expect(detectSsrf(new URL('http://10.0.0.5/admin'), [q('10.0.0.5')], 3, false)).not.toBeNull();
    expect(detectSsrf(new URL('http://10.0.0.5/admin'), [q('10.0.0.5')], 3, true)).toBeNull();
    expect(detectSsrf(new URL('https://api.example.com/x'), [q('api.example.com')], 3, false)).toBeNull();
    expect(['169.254.1.1', '127.0.0.1', '192.168.1.1', '8.8.8.8', 'fe80::1', '::1', 'localhost'].map(classifyHost)).toEqual([
      'link-local',
      'private',
      'private',
      'public',
      'link-local',
      'private',
      'private',
    ]);
  });

  it('SQL injection: request data with SQL syntax in the query text; a bound parameter never is', () => {
    expect(detectSqlInjection("SELECT * FROM users WHERE id = '1' OR '1'='1'", [q("1' OR '1'='1")], 3)).not.toBeNull();
    expect(detectSqlInjection('SELECT * FROM users WHERE id = 1 OR 1=1', [q('1 OR 1=1')], 3)).not.toBeNull();
    expect(detectSqlInjection('SELECT * FROM users WHERE id = $1', [q("1' OR '1'='1")], 3)).toBeNull();
    expect(detectSqlInjection("SELECT * FROM users WHERE name = 'alice'", [q('alice')], 3)).toBeNull();
  });

  it('code injection and prototype pollution', () => {
    expect(detectCodeInjection("7*7;require('child_process')", [q("7*7;require('child_process')")], 3)).not.toBeNull();
    expect(detectCodeInjection('"hello"', [q('hello')], 3)).toBeNull();
    expect(pollutingKey(JSON.parse('{"a":{"__proto__":{"admin":true}}}'))).toBe('a.__proto__');
    expect(pollutingKey(JSON.parse('{"constructor":{"prototype":{"admin":true}}}'))).toBe('constructor.prototype');
    expect(pollutingKey({ a: { b: 1 } })).toBeNull();
  });
});
