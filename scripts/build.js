// Builds what the package runs: the CLI bundle, the library bundle with its type declarations, and the
// benchmark. Runs on `npm ci` (the prepare script), so a fresh clone works after one command.

import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { buildPage } from './build-page.js';

// commander and cli-progress are CommonJS; inside an ESM bundle their require() calls need a real one.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: requireShim },
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  // The command line is CommonJS: node starts a CommonJS program about 20 ms sooner than an ES module
  // (no module loader to set up), a tenth of what `cnn predict` may take. import.meta.url becomes
  // the file's own URL. sharp is native and stays outside the bundle; it is loaded only by the
  // commands that read images.
  build({
    ...common,
    format: 'cjs',
    // 'use strict' first: after the banner, esbuild's own directive would be a plain string.
    banner: { js: "'use strict';\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.cjs',
    external: ['sharp'],
  }),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', packages: 'external' }),
  build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', external: ['sharp'] }),
  build({ ...common, entryPoints: ['bench/user-images.ts'], outfile: 'dist/user-images.js', external: ['sharp'] }),
  build({ ...common, entryPoints: ['bench/train-run.ts'], outfile: 'dist/train-run.js' }),
  build({ ...common, entryPoints: ['bench/page.ts'], outfile: 'dist/page-bench.js', external: ['sharp', 'playwright-core'] }),
  buildPage('dist/web'),
]);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

// V8's code cache for the command line (bin/cnn.cjs explains it), made by predicting a sample digit
// so that the functions a prediction runs are in it. Without it everything works, only slower.
try {
  execFileSync(process.execPath, ['bin/cnn.cjs', 'predict', 'data/digit-7-canvas.png'], {
    env: { ...process.env, CNN_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
    timeout: 60_000,
  });
} catch (error) {
  console.warn(`build: no code cache for the command line (${error.message.split('\n')[0]}); it will start slower`);
}
