// The Host check behind the DNS-rebinding defence, bind address by bind address.

import { describe, expect, it } from 'vitest';
import { hostAllowed } from './host-check.js';

describe('hostAllowed', () => {
  it('bound to loopback: the loopback names with the right port, nothing else', () => {
    for (const header of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LocalHost:8080']) expect([header, hostAllowed(header, '127.0.0.1', 8080)]).toEqual([header, true]);
    for (const header of ['127.0.0.1:8081', 'localhost', 'evil.example:8080', '127.0.0.1.evil.example:8080', '10.0.0.5:8080', '', undefined]) {
      expect([header, hostAllowed(header, '127.0.0.1', 8080)]).toEqual([header, false]);
    }
    expect(hostAllowed('[::1]:9000', '::1', 9000)).toBe(true);
    expect(hostAllowed('localhost', '127.0.0.1', 80)).toBe(true);
  });

  it('bound to every address: any IP literal, never a name that could be rebound', () => {
    for (const header of ['192.168.1.20:8080', '10.0.0.5:8080', '[fe80::1]:8080', 'localhost:8080']) expect([header, hostAllowed(header, '0.0.0.0', 8080)]).toEqual([header, true]);
    for (const header of ['my-laptop.local:8080', 'evil.example:8080', '192.168.1.20:8081']) expect([header, hostAllowed(header, '0.0.0.0', 8080)]).toEqual([header, false]);
    expect(hostAllowed('[2001:db8::1]:8080', '::', 8080)).toBe(true);
  });

  it('bound to one address or name: only that one', () => {
    expect(hostAllowed('192.168.1.20:8080', '192.168.1.20', 8080)).toBe(true);
    expect(hostAllowed('localhost:8080', '192.168.1.20', 8080)).toBe(false);
    expect(hostAllowed('mybox.lan:8080', 'mybox.lan', 8080)).toBe(true);
    expect(hostAllowed('other.lan:8080', 'mybox.lan', 8080)).toBe(false);
  });
});
