// cnn's version, for `cnn --version` and the producer_version of an ONNX export; package.json holds the
// same (a test checks).

export const version = '0.1.0';
