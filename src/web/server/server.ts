// The HTTP server of `cnn serve`: answers GET and HEAD for the paths of its route table and nothing
// else. Every answer carries the cross-origin isolation headers (COOP/COEP) that SharedArrayBuffer
// needs in the page, so the kernels' thread pool can run there, and a Content-Security-Policy that
// lets the page load only from this server. It writes no files.

import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sep } from 'node:path';
import { CnnError } from '../../errors.js';
import { bracketed, hostAllowed } from './host-check.js';
import type { Route } from './routes.js';

/** Bytes a request body may have: the page only ever sends GETs, so anything more is refused. */
export const maximumBodyBytes = 1024;

const securityHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // 'wasm-unsafe-eval' lets the page compile our WebAssembly, and nothing else that eval would allow;
  // blob: workers are the kernel threads, whose program the pool hands over as text (threads.ts).
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; style-src 'self'; " +
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: { host: string; port: number; routes: Map<string, Route>; catalogue: object }): Promise<RunningServer> {
  const { host, routes } = options;
  const catalogue = `${JSON.stringify(options.catalogue)}\n`;
  let port = options.port;
  const server = createServer((request, response) => {
    // The body is read (and counted) before any answer, so that an oversized one is refused whole.
    let received = Number(request.headers['content-length'] ?? 0);
    if (received > maximumBodyBytes) return refuse(response, 413, 'request body too large');
    received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maximumBodyBytes && !response.headersSent) {
        refuse(response, 413, 'request body too large');
        request.destroy();
      }
    });
    request.on('end', () => {
      if (!response.headersSent) answer(request, response, host, port, routes, catalogue);
    });
  });
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, options.port)));
    server.listen(options.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${bracketed(host)}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answer(request: IncomingMessage, response: ServerResponse, host: string, port: number, routes: Map<string, Route>, catalogue: string): void {
  if (!hostAllowed(request.headers.host, host, port)) return refuse(response, 403, 'host not allowed');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return refuse(response, 405, 'method not allowed');
  }
  // The path exactly as sent, query aside: no decoding, no normalising, so only the table's own
  // spellings match. An absolute-form target (http://...) starts with no slash and matches nothing.
  const path = (request.url ?? '').split('?')[0];
  if (path === '/catalogue.json') return send(response, request, 'application/json; charset=utf-8', catalogue);
  const route = routes.get(path);
  const file = route === undefined ? undefined : checkedFile(route);
  if (route === undefined || file === undefined) return refuse(response, 404, 'not found');
  response.writeHead(200, { ...securityHeaders, 'Content-Type': route.type, 'Content-Length': file.size });
  if (request.method === 'HEAD') return void response.end();
  // Large chunks: a snapshot is megabytes, and each chunk costs the browser a round of its own.
  createReadStream(file.path, { highWaterMark: 1 << 20 }).on('error', () => response.destroy()).pipe(response);
}

/** The route's file, real path and size, if it is still a regular file inside its root. */
function checkedFile(route: Route): { path: string; size: number } | undefined {
  try {
    const path = realpathSync(route.file);
    if (route.root !== undefined && !path.startsWith(realpathSync(route.root) + sep)) return undefined;
    const stats = statSync(path);
    return stats.isFile() ? { path, size: stats.size } : undefined;
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, request: IncomingMessage, type: string, body: string): void {
  response.writeHead(200, { ...securityHeaders, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function refuse(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  response.end(`${text}\n`);
}

function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new CnnError(`--port ${port}: the port is in use (pick another, or --port 0 for a free one)`);
  if (error.code === 'EACCES') return new CnnError(`--port ${port}: not allowed to listen there (ports below 1024 need privileges)`);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new CnnError(`--host ${host}: not an address of this machine`);
  }
  return new CnnError(`cannot listen on ${host}:${port}: ${error.message}`);
}
