import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'all', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      // The kernels again on the plain SIMD build, which engines without relaxed SIMD run
      // (src/kernels/wasm/kernel-module.ts): both builds are held to the same references.
      { extends: true, test: { name: 'plain-simd', include: ['src/kernels/**/*.test.ts'], env: { CNN_KERNELS: 'simd' } } },
    ],
  },
});
