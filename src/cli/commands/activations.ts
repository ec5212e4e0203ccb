// cnn activations: what each convolution and pooling layer makes of one image, as a PNG with a row of
// feature maps per layer, under the 28x28 input the image was turned into.

import type { Command } from 'commander';
import { CnnError } from '../../errors.js';
import { loadDigitImage } from '../../io/image.js';
import { loadSnapshot } from '../../io/snapshot.js';
import { argmax, type Network } from '../../models/network.js';
import { softmax } from '../../layers/softmax-with-loss.js';
import type { FloatArray, Tensor } from '../../tensor/tensor.js';
import { renderFeatureMaps, type FeatureMapRow } from '../../viz/feature-map-sheet.js';
import { encodePng } from '../../viz/png.js';
import { displayPath } from '../locations.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';
import { checkOutput, writeOutput } from '../output-file.js';
import { message, percent, result } from '../output.js';

interface ActivationsFlags {
  model?: string;
  params?: string;
  out: string;
}

const SIDE = 28;

export function registerActivations(program: Command): void {
  addModelOption(program.command('activations'))
    .description("draw every convolution and pooling layer's feature maps for one image (PNG)")
    .argument('<image>', 'image file of one digit, dark-on-light or light-on-dark')
    .option('--params <file>', 'snapshot JSON (default: ./params/<preset file>, else the shipped one)')
    .requiredOption('-o, --out <file>', 'PNG file to write')
    .addHelpText('after', '\nExample:\n  cnn activations data/digit-3-paper.jpg -o maps.png')
    .action(async (image: string, flags: ActivationsFlags) => runActivations(image, flags));
}

async function runActivations(image: string, flags: ActivationsFlags): Promise<void> {
  await checkOutput(flags.out, ['.png']);
  const path = chosenSnapshot(flags.params, flags.model);
  const { network } = await loadSnapshot(path);
  message(`using ${displayPath(path)}`);
  const [C, H, W] = network.model.input;
  if (C !== 1 || H !== SIDE || W !== SIDE) {
    throw new CnnError(`${path}: the model takes [${network.model.input.join(',')}] inputs; images are prepared as [1,${SIDE},${SIDE}]`);
  }
  const digit = await loadDigitImage(image);
  const { rows, scores } = featureMaps(network, digit.pixels);
  const probabilities = softmax({ shape: [1, scores.length], data: scores }).data;
  const predicted = argmax(probabilities, 0, probabilities.length);
  const prediction = `predicted ${predicted} (${percent(probabilities[predicted], 1)})`;
  await writeOutput(flags.out, await encodePng(renderFeatureMaps(rows, { footer: prediction })));
  const layers = rows.slice(1).map((row) => row.label.split(' ')[0]).join(', ');
  result(`wrote ${displayPath(flags.out)}: input and ${layers}; ${prediction}`);
}

/** Runs the network one layer at a time, keeping the input and every convolution and pooling output. */
export function featureMaps(network: Network, pixels: Float32Array): { rows: FeatureMapRow[]; scores: FloatArray } {
  const rows: FeatureMapRow[] = [
    { label: `input ${SIDE}x${SIDE} (preprocessed)`, channels: 1, height: SIDE, width: SIDE, data: pixels },
  ];
  let x: Tensor = { shape: [1, 1, SIDE, SIDE], data: pixels };
  for (const layer of network.layers) {
    x = layer.forward(x, false);
    const { type } = layer.spec();
    if (type !== 'convolution' && type !== 'pooling') continue;
    const [channels, height, width] = layer.outputShape;
    const label = `${layer.name}  ${channels} maps ${height}x${width}`;
    // slice: a layer may reuse its output buffer on the next call.
    rows.push({ label, channels, height, width, data: x.data.slice() });
  }
  return { rows, scores: x.data };
}
