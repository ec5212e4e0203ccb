// The two node:crypto calls the shared code makes, for the page. SHA-256 must be synchronous (a
// snapshot's checksums are checked inside its parser), which the browser's crypto.subtle is not, so
// it comes from @noble/hashes; random bytes from the browser's own generator.

import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

export function createHash(algorithm: string): { update(bytes: Uint8Array): { digest(encoding: 'hex'): string } } {
  if (algorithm !== 'sha256') throw new Error(`createHash: only sha256 is available in the page, not ${algorithm}`);
  return {
    update: (bytes) => ({ digest: () => Buffer.from(sha256(bytes)).toString('hex') }),
  };
}

export function randomBytes(count: number): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(count)));
}
