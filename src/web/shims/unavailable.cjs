// node:fs, node:path, node:zlib, ... in the page: modules the shared code imports for its file and
// command-line work, which the page never calls. Any export is a function that says so if it is
// called. The proxy is the exports' prototype because esbuild copies a CommonJS module's exports
// onto an object made from that prototype.
module.exports = Object.create(
  new Proxy({}, {
    get: (_, name) => (name === '__esModule' ? false : () => {
      throw new Error(`${String(name)} is not available in the page`);
    }),
  }),
);
