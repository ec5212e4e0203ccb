// bin/cnn.cjs runs the bundle from V8's code cache that the build writes. A cache must never run in
// place of the bundle it was not made from: these tests copy the launcher and the built bundle into
// a scratch package, change the bundle or the cache, and check the command still does what the
// bundle on disk says, with nothing printed about the cache.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'cnn-launcher-'));
const bundle = join(scratch, 'dist', 'cli.cjs');
const cache = `${bundle}.cache`;
const built = readFileSync(join(repositoryRoot, 'dist', 'cli.cjs'), 'utf8');
const builtCache = readFileSync(join(repositoryRoot, 'dist', 'cli.cjs.cache'));

mkdirSync(join(scratch, 'bin'));
mkdirSync(join(scratch, 'dist'));
copyFileSync(join(repositoryRoot, 'bin', 'cnn.cjs'), join(scratch, 'bin', 'cnn.cjs'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// What the command printed on stdout; it must succeed and print nothing on stderr but predict's
// one 'using <snapshot>' line.
function cnn(...args: string[]): { stdout: string; cache: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CNN_REPORT_CODE_CACHE: '1' };
  delete env.CNN_WRITE_CODE_CACHE;
  const run = spawnSync(process.execPath, [join(scratch, 'bin', 'cnn.cjs'), ...args], { cwd: repositoryRoot, env, encoding: 'utf8' });
  const cache = /^code cache: (\w+)\n/.exec(run.stderr)?.[1] ?? 'not reported';
  expect(run.stderr.replace(/^code cache: \w+\n/, '').replace(/^using .*\n/, '')).toBe('');
  expect(run.status).toBe(0);
  return { stdout: run.stdout, cache };
}

describe('the code cache launcher', () => {
  it('the build wrote a cache made from the bundle next to it, which V8 accepts', () => {
    expect(builtCache.length).toBeGreaterThan(1000);
    const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();
    const data = builtCache.subarray(64);
    expect(builtCache.subarray(0, 32).equals(sha256(built))).toBe(true);
    expect(builtCache.subarray(32, 64).equals(sha256(data))).toBe(true);
    // Compiled as the launcher compiles it, under the same V8 flags: a cache V8 refused would only
    // make things slower, silently.
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    const script = new Script(Module.wrap(built), { filename: join(repositoryRoot, 'dist', 'cli.cjs'), cachedData: data });
    expect(script.cachedDataRejected).toBe(false);
    writeFileSync(bundle, built);
    writeFileSync(cache, builtCache);
    expect(cnn('--version')).toEqual({ stdout: '0.1.0\n', cache: 'used' });
    const prediction = cnn('predict', 'data/digit-7-canvas.png', '--params', 'params/simple-convnet.json', '--json');
    expect(prediction.cache).toBe('used');
    expect(JSON.parse(prediction.stdout)[0].digit).toBe(7);
  });

  it('a bundle changed at the same length runs as changed, not from the old cache', () => {
    // Same length, so V8's own check (which compares lengths, not contents) would pass the old cache.
    const changed = built.replace('.version("0.1.0")', '.version("9.9.9")');
    expect(changed).not.toBe(built);
    expect(changed.length).toBe(built.length);
    writeFileSync(bundle, changed);
    writeFileSync(cache, builtCache);
    expect(cnn('--version')).toEqual({ stdout: '9.9.9\n', cache: 'none' });
  });

  it('runs without a cache, with a truncated one, and with one damaged inside V8 data it would accept', () => {
    writeFileSync(bundle, built);
    rmSync(cache, { force: true });
    expect(cnn('--version').stdout.trim()).toBe('0.1.0');
    writeFileSync(cache, builtCache.subarray(0, 10));
    expect(cnn('--version').stdout.trim()).toBe('0.1.0');
    writeFileSync(cache, builtCache.subarray(0, builtCache.length - 1000));
    expect(cnn('--version').stdout.trim()).toBe('0.1.0');
    // Both digests and V8's own header intact, bytes flipped deep inside: V8 would run this bytecode
    // and crash (it does not checksum the body), so the launcher must refuse it.
    const damaged = Buffer.from(builtCache);
    for (const offset of [1000, 50_000, 150_000]) for (let i = offset; i < offset + 64; i++) damaged[i] ^= 0xff;
    writeFileSync(cache, damaged);
    const prediction = cnn('predict', 'data/digit-7-canvas.png', '--params', 'params/simple-convnet.json', '--json');
    expect(prediction.cache).toBe('none');
    expect(JSON.parse(prediction.stdout)[0].digit).toBe(7);
  });
});

describe('an engine without WebAssembly', () => {
  it('predicts with the TypeScript kernels and preprocessing (node --jitless has no WebAssembly)', () => {
    const run = spawnSync(
      process.execPath,
      ['--jitless', join(repositoryRoot, 'bin', 'cnn.cjs'), 'predict', 'data/digit-7-canvas.png', '--json'],
      { cwd: repositoryRoot, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)[0].digit).toBe(7);
    // V8 warns that --jitless turns WebAssembly off; nothing else may be said but the snapshot used.
    expect(run.stderr.replace(/^Warning: disabling flag --expose_wasm.*\n/, '').replace(/^using .*\n/, '')).toBe('');
  });
});
