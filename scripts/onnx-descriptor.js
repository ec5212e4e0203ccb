// Turns ONNX's schema, src/io/onnx/onnx.proto (copied unchanged from ONNX 1.12.0 as Debian's libonnx-dev
// ships it in /usr/include/onnx/), into the JSON descriptor protobufjs loads at run time:
// src/io/onnx/onnx-proto.json. The command line then needs only protobufjs's light build, no .proto
// parser. Run it again after replacing onnx.proto; a test checks that the two agree.
//
//   node scripts/onnx-descriptor.js

import { readFileSync, writeFileSync } from 'node:fs';
import protobuf from 'protobufjs';

const source = 'src/io/onnx/onnx.proto';
const target = 'src/io/onnx/onnx-proto.json';

/** The descriptor of onnx.proto, field names as ONNX spells them (ir_version, raw_data). */
export function onnxDescriptor() {
  return protobuf.parse(readFileSync(source, 'utf8'), { keepCase: true }).root.toJSON();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(target, `${JSON.stringify(onnxDescriptor(), null, 1)}\n`);
  console.log(`wrote ${target}`);
}
