// Builds the page of `cnn serve` into dist/web: the same TypeScript as the command line, bundled for
// the browser, as the page (app.js) and its training worker (train-worker.js). The few node: modules
// the shared code imports resolve to src/web/shims (Buffer, SHA-256, the core count), or to a stub for
// the file-system ones the page never calls; the thread pool's transport is the Web Workers one.
// Everything is local: no CDN, no web font.

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const shims = {
  buffer: 'src/web/shims/buffer.ts',
  crypto: 'src/web/shims/crypto.ts',
  os: 'src/web/shims/os.ts',
};

const nodeShims = {
  name: 'node-shims',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/transport\.js$/ }, ({ resolveDir }) => ({ path: join(resolveDir, 'transport-web.ts') }));
    builder.onResolve({ filter: /^node:/ }, ({ path }) => {
      const name = path.slice('node:'.length);
      return { path: join(process.cwd(), shims[name] ?? 'src/web/shims/unavailable.cjs') };
    });
  },
};

export async function buildPage(outdir) {
  await build({
    entryPoints: { app: 'src/web/page/main.ts', 'train-worker': 'src/web/worker/train-worker.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    plugins: [nodeShims],
    inject: ['src/web/shims/buffer.ts'],
  });
  mkdirSync(outdir, { recursive: true });
  for (const file of ['index.html', 'style.css']) copyFileSync(join('src/web/page', file), join(outdir, file));
}
