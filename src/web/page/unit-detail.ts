// One conv output unit taken apart, the book's im2col made visible: the unit's receptive field on the
// layer's input, the filter, and the im2col row of that window times the filter, term by term, whose
// sum plus the bias is the value the layer computed. The row comes from the library's own im2col.

import { im2col } from '../../kernels/im2col.js';
import type { ConvolutionSpec } from '../../layers/layer.js';
import { create, formatValue, planeCanvas } from './grey.js';
import type { LayerOutput, UnitChoice } from './layer-outputs.js';

/** Shows the chosen unit in `panel`; `channel` picks which input channel the pictures show. */
export function renderUnitDetail(panel: HTMLElement, { layer, input, output }: LayerOutput, choice: UnitChoice, channel = 0): void {
  const { size, stride = 1, pad = 0 } = layer.spec() as ConvolutionSpec;
  const [C, H, W] = layer.inputShape;
  const [, OH, OW] = layer.outputShape;
  const [weights, bias] = layer.params().map((param) => param.value.data);
  const { map, row, column } = choice;
  const rowLength = C * size * size;
  // The whole col for this one image: a few hundred kilobytes at most, and exactly what forward used.
  const col = new Float32Array(OH * OW * rowLength);
  im2col(input, { N: 1, C, H, W, KH: size, KW: size, stride, pad, OH, OW }, col);
  const window = col.subarray((row * OW + column) * rowLength, (row * OW + column + 1) * rowLength);
  const filter = weights.subarray(map * rowLength, (map + 1) * rowLength);
  const value = output[(map * OH + row) * OW + column];
  let sum = 0;
  for (let k = 0; k < rowLength; k++) sum += window[k] * filter[k];

  const title = create('h3');
  title.append(create('strong', '', `${layer.name}`), ` map ${map}, row ${row}, column ${column}: `, create('span', 'unit-value', formatValue(value)));
  const pictures = create('div', 'unit-pictures');
  pictures.append(
    figure(`receptive field on ${layer.name}'s input${C > 1 ? `, channel ${channel} of ${C}` : ''}`, field(input.subarray(channel * H * W, (channel + 1) * H * W), H, W, row * stride - pad, column * stride - pad, size)),
    figure(`filter ${map}${C > 1 ? `, channel ${channel}` : ''} (${size}x${size})`, planeCanvas(filter.subarray(channel * size * size, (channel + 1) * size * size), size, size, 'filter')),
  );
  const terms = create('ol', 'terms');
  terms.start = 0;
  for (let k = 0; k < rowLength; k++) {
    const term = create('li', window[k] === 0 ? 'zero' : '', `${formatValue(window[k])} × ${formatValue(filter[k])} = ${formatValue(window[k] * filter[k], 6)}`);
    term.dataset.product = String(window[k] * filter[k]);
    terms.append(term);
  }
  const total = create('p', 'unit-sum');
  total.dataset.bias = String(bias[map]);
  total.dataset.value = String(value);
  total.textContent = `sum of the ${rowLength} products ${formatValue(sum, 6)} + bias ${formatValue(bias[map], 6)} = ${formatValue(sum + bias[map], 6)}; the layer computed ${formatValue(value, 6)}`;
  const explanation = create('p', 'muted small', `im2col turns this window into row ${row * OW + column} of a ${OH * OW}x${rowLength} matrix (${C} channel${C > 1 ? 's' : ''} x ${size}x${size}); one matrix product with the filters gives every unit at once. The layer sums in float32 in its own order, so the last digit may differ.`);
  const controls = create('div', 'row');
  if (C > 1) {
    const picker = create('select');
    for (let c = 0; c < C; c++) picker.append(new Option(`channel ${c}`, String(c)));
    picker.value = String(channel);
    picker.addEventListener('change', () => renderUnitDetail(panel, { layer, input, output }, choice, Number(picker.value)));
    controls.append(create('label', '', 'Show input '), picker);
  }
  const numbers = create('div', 'unit-numbers');
  numbers.append(create('h4', '', 'im2col row × filter'), terms, total);
  panel.replaceChildren(title, controls, pictures, numbers, explanation);
}

function figure(caption: string, picture: HTMLElement): HTMLElement {
  const element = create('figure');
  element.append(picture, create('figcaption', 'small muted', caption));
  return element;
}

// The input plane, enlarged on a canvas of its own, with the window outlined (it may hang over the
// edge by the padding, where im2col reads zeros).
function field(plane: Float32Array, H: number, W: number, top: number, left: number, size: number): HTMLCanvasElement {
  const scale = Math.max(2, Math.floor(168 / Math.max(H, W)));
  const source = planeCanvas(plane, H, W);
  const canvas = create('canvas', 'field');
  canvas.width = W * scale;
  canvas.height = H * scale;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  context.strokeStyle = '#e53935';
  context.lineWidth = 2;
  context.strokeRect(left * scale + 1, top * scale + 1, size * scale - 2, size * scale - 2);
  return canvas;
}
