// "Inside": the current input run through the network one layer at a time, each layer's output kept
// and drawn with its shape: feature maps as tiles for [C,H,W] outputs, bars for [D] ones, then the
// softmax. The same forward pass as Network.predict, with every intermediate copied out.

import type { Layer } from '../../layers/layer.js';
import { describeSpec } from '../../layers/layer.js';
import { softmax } from '../../layers/softmax-with-loss.js';
import type { Network } from '../../models/network.js';
import { formatShape, type Tensor } from '../../tensor/tensor.js';
import { create, paintPlane } from './grey.js';

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

// The rows built for a network, kept so that the next input only repaints them: building a hundred
// canvases for every frame of a drawing took 40 ms; repainting them takes a fraction of that.
interface View {
  layers: Layer[];
  maps: HTMLCanvasElement[][];
  bars: HTMLElement[][];
}
const views = new WeakMap<HTMLElement, View>();

/** Draws every layer's output into `container`; clicking a conv map pixel calls onChoose. */
export function renderLayerOutputs(
  container: HTMLElement,
  outputs: LayerOutput[],
  probabilities: Float32Array,
  chosen: UnitChoice | undefined,
  onChoose: (choice: UnitChoice) => void,
): void {
  let view = views.get(container);
  if (view === undefined || view.layers.length !== outputs.length || view.layers.some((layer, index) => layer !== outputs[index].layer)) {
    view = buildView(container, outputs, probabilities.length, onChoose);
    views.set(container, view);
  }
  outputs.forEach(({ layer, output }, layerIndex) => {
    const [, H, W] = layer.outputShape;
    view.maps[layerIndex].forEach((canvas, map) => {
      paintPlane(canvas, output.subarray(map * H * W, (map + 1) * H * W));
      const marked = chosen?.layerIndex === layerIndex && chosen.map === map;
      canvas.classList.toggle('chosen', marked);
      if (marked) markUnit(canvas, chosen.row, chosen.column);
    });
    paintBars(view.bars[layerIndex], output, false);
  });
  paintBars(view.bars[outputs.length], probabilities, true);
}

function buildView(container: HTMLElement, outputs: LayerOutput[], classes: number, onChoose: (choice: UnitChoice) => void): View {
  const view: View = { layers: outputs.map(({ layer }) => layer), maps: [], bars: [] };
  const rows = outputs.map(({ layer }, layerIndex) => {
    const row = create('div', 'layer-row');
    const heading = create('h3');
    heading.append(create('strong', '', layer.name), ` ${describeSpec(layer.spec())} `, create('span', 'shape', formatShape(layer.outputShape)));
    row.append(heading);
    const maps = layer.outputShape.length === 3 ? mapCanvases(layer, layerIndex, onChoose) : [];
    const bars = layer.outputShape.length === 3 ? [] : barElements(layer.outputShape[0], false);
    view.maps.push(maps);
    view.bars.push(bars);
    row.append(strip(maps.length > 0 ? 'maps' : 'unit-bars', maps.length > 0 ? maps : bars));
    return row;
  });
  const last = create('div', 'layer-row');
  const heading = create('h3');
  heading.append(create('strong', '', 'softmax'), ' probabilities ', create('span', 'shape', `[${classes}]`));
  const probabilityBars = barElements(classes, true);
  view.bars.push(probabilityBars);
  last.append(heading, strip('unit-bars probabilities', probabilityBars));
  container.replaceChildren(...rows, last);
  return view;
}

function strip(className: string, children: HTMLElement[]): HTMLElement {
  const element = create('div', className);
  element.append(...children);
  return element;
}

function mapCanvases(layer: Layer, layerIndex: number, onChoose: (choice: UnitChoice) => void): HTMLCanvasElement[] {
  const [C, H, W] = layer.outputShape;
  const clickable = layer.spec().type === 'convolution';
  return Array.from({ length: C }, (_, map) => {
    const canvas = create('canvas', 'tile');
    canvas.width = W;
    canvas.height = H;
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
    }
    return canvas;
  });
}

function markUnit(canvas: HTMLCanvasElement, row: number, column: number): void {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.fillStyle = '#e53935';
  context.fillRect(column, row, 1, 1);
}

function barElements(count: number, probabilities: boolean): HTMLElement[] {
  return Array.from({ length: count }, (_, index) => {
    const bar = create('span');
    if (probabilities) bar.dataset.label = String(index);
    return bar;
  });
}

// Signed bars from a shared zero line for scores; plain bars from zero for probabilities.
function paintBars(bars: HTMLElement[], values: Float32Array, probabilities: boolean): void {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  bars.forEach((bar, index) => {
    const value = values[index];
    const share = probabilities ? value : largest === 0 ? 0 : Math.abs(value) / largest;
    bar.classList.toggle('negative', value < 0);
    bar.style.setProperty('--share', share.toFixed(4));
    bar.title = `unit ${index}: ${value}`;
  });
}
