// cnn's version, for the producer_version of an ONNX export. package.json and `cnn --version` (a literal
// in cli/main.ts, which the launcher test edits in the built bundle) hold the same; tests check both.

export const version = '0.1.0';
