// The server of `cnn serve` against what a hostile page or client would try: paths out of the asset
// folder in every spelling, a symbolic link pointing out of it, files not in its table, bodies over
// the limit, other methods, and a Host header that is not this server's (DNS rebinding).

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoutes } from '../src/web/server/routes.js';
import { maximumBodyBytes, startServer, type RunningServer } from '../src/web/server/server.js';
import { rawRequest } from './helpers/http.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-serve-'));
const page = join(work, 'page');
const secret = join(work, 'secret.txt');
let server: RunningServer;

beforeAll(async () => {
  mkdirSync(page);
  writeFileSync(join(page, 'index.html'), '<!DOCTYPE html><title>page</title>');
  writeFileSync(join(page, 'app.js'), 'console.log(1)');
  writeFileSync(join(page, 'notes.txt'), 'not a page type');
  writeFileSync(secret, 'the secret');
  writeFileSync(join(work, 'model.json'), '{}');
  symlinkSync(secret, join(page, 'leak.js'));
  const { routes, catalogue } = buildRoutes({ pageDirectory: page, model: { file: join(work, 'model.json'), label: 'model.json' }, presets: {} });
  server = await startServer({ host: '127.0.0.1', port: 0, routes, catalogue });
});

afterAll(async () => {
  await server?.close();
});

describe('cnn serve: what it answers', () => {
  it('serves its page with the isolation headers shared memory needs, and its catalogue', async () => {
    const index = await rawRequest(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>page</title>');
    expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(index.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await rawRequest(server.port, '/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const catalogue = JSON.parse((await rawRequest(server.port, '/catalogue.json')).body);
    expect(catalogue).toEqual({ model: { url: '/model.json', label: 'model.json' }, presets: [], mnist: null });
    expect((await rawRequest(server.port, '/model.json')).body).toBe('{}');
  });

  it('answers 404 for paths out of its folder however spelt, absolute paths and files not in its list', async () => {
    const attempts = [
      '/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%5csecret.txt',
      '//etc/passwd', '/etc/passwd', `/${secret}`, `${secret}`, 'http://127.0.0.1/../secret.txt', '/notes.txt', '/index.html/',
      '/mnist/train-images-idx3-ubyte', '/presets/simple.json', '/./app.js', '/APP.JS', '/app.js%00',
    ];
    for (const path of attempts) {
      const response = await rawRequest(server.port, path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body).not.toContain('the secret');
    }
  });

  it('answers 404 for a symbolic link in its folder that points out of it', async () => {
    const response = await rawRequest(server.port, '/leak.js');
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('the secret');
  });

  it('refuses a body over the limit, declared or streamed, and every method but GET and HEAD', async () => {
    const large = 'x'.repeat(maximumBodyBytes + 1);
    expect((await rawRequest(server.port, '/', { headers: { 'Content-Length': large.length }, body: large })).status).toBe(413);
    expect((await rawRequest(server.port, '/', { headers: { 'Transfer-Encoding': 'chunked' }, body: large })).status).toBe(413);
    expect((await rawRequest(server.port, '/', { body: 'small' , headers: { 'Content-Length': 5 } })).status).toBe(200);
    const post = await rawRequest(server.port, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await rawRequest(server.port, '/app.js', { method: 'HEAD' });
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '14']);
  });

  it('answers only requests whose Host is this server, so DNS rebinding cannot read it', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      expect([host, (await rawRequest(server.port, '/', { headers: { Host: host } })).status]).toEqual([host, 200]);
    }
    const foreign = [`attacker.example:${server.port}`, 'attacker.example', `127.0.0.1:${server.port + 1}`, '127.0.0.1', `localhost.attacker.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`];
    for (const host of foreign) {
      const response = await rawRequest(server.port, '/catalogue.json', { headers: { Host: host } });
      expect([host, response.status]).toEqual([host, 403]);
      expect(response.body).toBe('host not allowed\n');
    }
    // HTTP/1.0 needs no Host at all; without one there is nothing to check, so nothing is answered.
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 403 /);
  });
});
