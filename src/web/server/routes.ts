// What `cnn serve` may answer with: a fixed table from URL path to file, made once at start-up from
// the built page (dist/web), the snapshot it was started with, the shipped presets and the four MNIST
// files. Nothing outside this table is ever read, so a path the table lacks, however it is spelled
// (`..`, %2e%2e, an absolute path), cannot reach a file: it is simply not a key.

import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface Route {
  file: string;
  /** The folder the file must really lie in, symbolic links resolved (undefined: the file itself). */
  root?: string;
  type: string;
}

export interface RouteSources {
  /** The built page: index.html, the bundles, the style sheet. */
  pageDirectory: string;
  /** The snapshot the page opens with. */
  model: { file: string; label: string };
  /** Preset name to its snapshot file, for those that exist. */
  presets: Record<string, string>;
  /** The folder holding the MNIST IDX files, plain or gzipped; none: the page cannot train. */
  mnistDirectory?: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

export const mnistFiles = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The route table, and the catalogue the page reads first (/catalogue.json) to find the rest. */
export function buildRoutes(sources: RouteSources): { routes: Map<string, Route>; catalogue: object } {
  const routes = new Map<string, Route>();
  for (const name of readdirSync(sources.pageDirectory)) {
    const extension = /\.[a-z]+$/.exec(name)?.[0] ?? '';
    if (contentTypes[extension] === undefined) continue;
    routes.set(name === 'index.html' ? '/' : `/${name}`, { file: join(sources.pageDirectory, name), root: sources.pageDirectory, type: contentTypes[extension] });
  }
  routes.set('/model.json', { file: sources.model.file, type: contentTypes['.json'] });
  for (const [name, file] of Object.entries(sources.presets)) {
    routes.set(`/presets/${name}.json`, { file, type: contentTypes['.json'] });
  }
  const mnist: Record<string, string> = {};
  const directory = sources.mnistDirectory;
  for (const name of directory === undefined ? [] : mnistFiles) {
    // The same choice as the CLI's loader: the plain file, else its .gz beside it.
    const found = [name, `${name}.gz`].find((candidate) => isFile(join(directory as string, candidate)));
    if (found === undefined) continue;
    mnist[name] = `/mnist/${found}`;
    routes.set(`/mnist/${found}`, { file: join(directory as string, found), root: directory, type: 'application/octet-stream' });
  }
  const catalogue = {
    model: { url: '/model.json', label: sources.model.label || basename(sources.model.file) },
    presets: Object.keys(sources.presets),
    mnist: Object.keys(mnist).length === mnistFiles.length ? mnist : null,
  };
  return { routes, catalogue };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
