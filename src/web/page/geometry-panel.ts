// The output-size formula as a widget: input size, filter size, stride and pad give
// (H + 2P - FH) / S + 1 through the library's own convOutSize, or the very error a model file with
// that geometry gets from `cnn train`.

import { convOutSize } from '../../tensor/geometry.js';
import { create } from './grey.js';

const fields = [
  ['input', 'input size H'],
  ['filter', 'filter size FH'],
  ['stride', 'stride S'],
  ['pad', 'pad P'],
] as const;

export function createGeometryPanel(panel: HTMLElement): (values: { input: number; filter: number; stride: number; pad: number }) => void {
  const inputs = new Map<string, HTMLInputElement>();
  const form = create('div', 'geometry-fields');
  for (const [key, label] of fields) {
    const input = create('input');
    Object.assign(input, { type: 'number', min: key === 'pad' ? '0' : '1', step: '1', id: `geometry-${key}` });
    const wrapper = create('label', '', `${label} `);
    wrapper.append(input);
    form.append(wrapper);
    inputs.set(key, input);
    input.addEventListener('input', update);
  }
  const result = create('p', 'geometry-result');
  result.id = 'geometry-result';
  panel.append(form, result);

  function update(): void {
    const [H, FH, S, P] = fields.map(([key]) => Number((inputs.get(key) as HTMLInputElement).value));
    try {
      const out = convOutSize(H, FH, S, P, 'conv');
      result.className = 'geometry-result';
      result.textContent = `OH = (H + 2P − FH) / S + 1 = (${H} + 2·${P} − ${FH}) / ${S} + 1 = ${out}`;
    } catch (error) {
      result.className = 'geometry-result error';
      result.textContent = `cnn: ${(error as Error).message}`;
    }
  }
  return (values) => {
    for (const [key] of fields) (inputs.get(key) as HTMLInputElement).value = String(values[key]);
    update();
  };
}
