// "Inside": the current input run through the network one layer at a time, each layer's output kept
// and drawn with its shape: feature maps as tiles for [C,H,W] outputs, bars for [D] ones, then the
// softmax. The same forward pass as Network.predict, with every intermediate copied out.

import type { Layer } from '../../layers/layer.js';
import { describeSpec } from '../../layers/layer.js';
import { softmax } from '../../layers/softmax-with-loss.js';
import type { Network } from '../../models/network.js';
import { formatShape, type Tensor } from '../../tensor/tensor.js';
import { create, planeCanvas } from './grey.js';

export interface LayerOutput {
  layer: Layer;
  /** The sample's input to this layer and its output, batch dimension dropped. */
  input: Float32Array;
  output: Float32Array;
}

export function forwardEachLayer(network: Network, pixels: Float32Array): { outputs: LayerOutput[]; probabilities: Float32Array } {
  const outputs: LayerOutput[] = [];
  let x: Tensor = { shape: [1, ...network.model.input], data: pixels };
  for (const layer of network.layers) {
    const y = layer.forward(x, false);
    // Copies: a layer's forward returns its own buffer, reused by its next call.
    outputs.push({ layer, input: (x.data as Float32Array).slice(), output: (y.data as Float32Array).slice() });
    x = y;
  }
  const probabilities = softmax(x).data as Float32Array;
  return { outputs, probabilities };
}

export interface UnitChoice {
  layerIndex: number;
  map: number;
  row: number;
  column: number;
}

/** Draws every layer's output into `container`; clicking a conv map pixel calls onChoose. */
export function renderLayerOutputs(
  container: HTMLElement,
  outputs: LayerOutput[],
  probabilities: Float32Array,
  chosen: UnitChoice | undefined,
  onChoose: (choice: UnitChoice) => void,
): void {
  const rows = outputs.map(({ layer, output }, layerIndex) => {
    const row = create('div', 'layer-row');
    const heading = create('h3');
    heading.append(create('strong', '', layer.name), ` ${describeSpec(layer.spec())} `, create('span', 'shape', formatShape(layer.outputShape)));
    row.append(heading);
    if (layer.outputShape.length === 3) row.append(maps(layer, output, layerIndex, chosen, onChoose));
    else row.append(bars(output, false));
    return row;
  });
  const last = create('div', 'layer-row');
  const heading = create('h3');
  heading.append(create('strong', '', 'softmax'), ' probabilities ', create('span', 'shape', `[${probabilities.length}]`));
  last.append(heading, bars(probabilities, true));
  container.replaceChildren(...rows, last);
}

function maps(layer: Layer, output: Float32Array, layerIndex: number, chosen: UnitChoice | undefined, onChoose: (choice: UnitChoice) => void): HTMLElement {
  const [C, H, W] = layer.outputShape;
  const strip = create('div', 'maps');
  const clickable = layer.spec().type === 'convolution';
  for (let map = 0; map < C; map++) {
    const canvas = planeCanvas(output.subarray(map * H * W, (map + 1) * H * W), H, W);
    // Small maps drawn larger, so a 4x4 map is as easy to see (and click) as a 24x24 one.
    canvas.style.width = `${Math.max(48, Math.min(96, W * 2))}px`;
    canvas.title = `${layer.name} map ${map}`;
    if (clickable) {
      canvas.classList.add('clickable');
      canvas.dataset.layer = String(layerIndex);
      canvas.dataset.map = String(map);
      canvas.addEventListener('click', (event) => {
        const box = canvas.getBoundingClientRect();
        const column = Math.min(W - 1, Math.floor(((event.clientX - box.left) / box.width) * W));
        const row = Math.min(H - 1, Math.floor(((event.clientY - box.top) / box.height) * H));
        onChoose({ layerIndex, map, row, column });
      });
      if (chosen?.layerIndex === layerIndex && chosen.map === map) markUnit(canvas, chosen.row, chosen.column);
    }
    strip.append(canvas);
  }
  return strip;
}

function markUnit(canvas: HTMLCanvasElement, row: number, column: number): void {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.fillStyle = '#e53935';
  context.fillRect(column, row, 1, 1);
  canvas.classList.add('chosen');
}

// Signed bars from a shared zero line for scores; plain bars from zero for probabilities.
function bars(values: Float32Array, probabilities: boolean): HTMLElement {
  const strip = create('div', probabilities ? 'unit-bars probabilities' : 'unit-bars');
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  values.forEach((value, index) => {
    const bar = create('span', value < 0 ? 'negative' : '');
    const share = probabilities ? value : largest === 0 ? 0 : Math.abs(value) / largest;
    bar.style.setProperty('--share', share.toFixed(4));
    bar.title = `unit ${index}: ${value}`;
    if (probabilities) bar.dataset.label = String(index);
    strip.append(bar);
  });
  return strip;
}
