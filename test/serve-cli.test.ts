// `cnn serve` as a command: it prints its URL, serves the built page, the presets and MNIST from its
// table, stops cleanly on Ctrl-C, and turns a busy port or a bad snapshot into one line.

import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { rawRequest } from './helpers/http.js';
import { startServe } from './helpers/serve.js';

describe('cnn serve', () => {
  it('serves the page, its catalogue, the presets and MNIST on loopback, and stops on Ctrl-C with 130', async () => {
    const server = await startServe();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await rawRequest(server.port, '/');
      expect(page.status).toBe(200);
      expect(page.body).toContain('<script type="module" src="/app.js"></script>');
      const catalogue = JSON.parse((await rawRequest(server.port, '/catalogue.json')).body);
      expect(catalogue.presets).toEqual(['simple', 'lenet', 'alexnet', 'deep']);
      expect(Object.keys(catalogue.mnist)).toEqual(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
      const labels = await rawRequest(server.port, catalogue.mnist['t10k-labels-idx1-ubyte'], { method: 'HEAD' });
      expect([labels.status, labels.headers['content-length']]).toEqual([200, '10008']);
      expect((await rawRequest(server.port, '/presets/lenet.json')).body).toContain('"format": "cnn-snapshot"');
      expect((await rawRequest(server.port, '/package.json')).status).toBe(404);
    } finally {
      const stopped = await server.stop();
      expect(stopped.exitCode).toBe(130);
      expect(stopped.stderr).toMatch(/^serving params\/simple-convnet\.json; Ctrl-C stops\ncnn: stopped\n$/);
    }
  });

  it('gives one line for a port in use, a bad snapshot and a bad port', async () => {
    const server = await startServe();
    try {
      const busy = await runCli(['serve', '--port', String(server.port)]);
      expect([busy.exitCode, busy.stdout, busy.stderr]).toEqual([1, '', `cnn: --port ${server.port}: the port is in use (pick another, or --port 0 for a free one)\n`]);
    } finally {
      await server.stop();
    }
    const truncated = join(mkdtempSync(join(tmpdir(), 'cnn-serve-')), 'net.json');
    writeFileSync(truncated, '{"format": "cnn-snapshot", "vers');
    const bad = await runCli(['serve', truncated, '--port', '0']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^cnn: .*net\.json: not valid JSON \(truncated\?\): [^\n]+\n$/);
    const data = await runCli(['serve', '--data', truncated, '--port', '0']);
    expect([data.exitCode, data.stderr]).toEqual([1, `cnn: --data ${truncated}: not a directory\n`]);
    const port = await runCli(['serve', '--port', '70000']);
    expect([port.exitCode, port.stderr]).toEqual([2, 'cnn: option \'--port <n>\' argument \'70000\' is invalid: must be a port number from 0 to 65535, got "70000" (add --help for usage)\n']);
  });

  it('opens with the preset --model names', async () => {
    const server = await startServe(['--model', 'lenet']);
    try {
      const catalogue = JSON.parse((await rawRequest(server.port, '/catalogue.json')).body);
      expect(catalogue.model.label).toBe('params/lenet.json');
      expect(JSON.parse((await rawRequest(server.port, '/model.json')).body).metadata.model).toBe('lenet');
    } finally {
      await server.stop();
    }
  });

  it('--open hands the URL to the platform opener, and says so in one line where there is none', async () => {
    if (process.platform !== 'linux') return; // the opener faked here is xdg-open
    // A PATH holding only node and a stand-in xdg-open that writes down what it was asked to open.
    const bin = mkdtempSync(join(tmpdir(), 'cnn-open-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > '${opened}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const withOpener = await startServe(['--open'], { env: { PATH: bin } });
    try {
      await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8'), { timeout: 10_000 }).toBe(`${withOpener.url}\n`);
    } finally {
      expect((await withOpener.stop()).stderr).not.toContain('--open');
    }
    const bare = mkdtempSync(join(tmpdir(), 'cnn-open-'));
    symlinkSync(process.execPath, join(bare, 'node'));
    const without = await startServe(['--open'], { env: { PATH: bare } });
    try {
      await without.stderrMatches(/cnn: --open: no browser to open here; visit http:\/\/127\.0\.0\.1:\d+\/\n/);
    } finally {
      expect((await without.stop()).stderr).toContain(`visit ${without.url}\n`);
    }
  });

  it('says in --help what binding another address exposes', async () => {
    const { stdout, exitCode } = await runCli(['serve', '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('--host 0.0.0.0 (or a LAN address) exposes');
    expect(stdout).toMatch(/Examples:\n  cnn serve --open/);
  });
});
