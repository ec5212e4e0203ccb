// The Host header check that stops DNS rebinding: a page on another site can point its own name at
// 127.0.0.1 and then read this server as same-origin, but its requests still carry its own name in
// Host. So only the names this server was actually bound as are answered; a wildcard bind (0.0.0.0,
// ::) takes any IP address literal, which no rebinding name can be.

import { isIP } from 'node:net';

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** Whether `header` (the request's Host) names this server, bound to `host` on `port`. */
export function hostAllowed(header: string | undefined, host: string, port: number): boolean {
  if (header === undefined) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(header.trim());
  if (match === null) return false;
  const name = match[1].toLowerCase();
  if ((match[2] === undefined ? 80 : Number(match[2])) !== port) return false;
  const bound = bracketed(host.toLowerCase());
  if (bound === '0.0.0.0' || bound === '[::]') return name === 'localhost' || isIP(unbracketed(name)) !== 0;
  if (isLoopback(host)) return loopbackNames.includes(name) || name === bound;
  return name === bound;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An IPv6 address as it appears in a URL or a Host header, in brackets; anything else as it is. */
export function bracketed(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function unbracketed(name: string): string {
  return name.startsWith('[') ? name.slice(1, -1) : name;
}
