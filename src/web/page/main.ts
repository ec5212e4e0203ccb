// The page of `cnn serve`: wires the pad, the picture input and the model choice to the prediction
// view. Every number on it is computed here, in the browser, by the library's own TypeScript and
// WebAssembly (the kernels of src/kernels, the preprocessing twin of src/io/wasm), as `cnn predict` does.

import { preprocessDigitWasm } from '../../io/wasm/preprocess-wasm.js';
import { kernels } from '../../kernels/backend.js';
import { sameShape } from '../../tensor/tensor.js';
import { decodePicture } from './image-input.js';
import { fetchCatalogue, fetchModel, fetchText, parseModel, type LoadedModel } from './model-source.js';
import { createGeometryPanel } from './geometry-panel.js';
import { forwardEachLayer, renderLayerOutputs, type LayerOutput, type UnitChoice } from './layer-outputs.js';
import { createPad } from './pad.js';
import { createTrainPanel } from './train-panel.js';
import { renderUnitDetail } from './unit-detail.js';
import { createBars, drawSeen } from './prediction-view.js';

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const errorLine = element<HTMLParagraphElement>('error-line');
const status = element<HTMLElement>('status');
const select = element<HTMLSelectElement>('model-select');
const showBars = createBars(element<HTMLOListElement>('bars'));
let model: LoadedModel | undefined;
let picture: { width: number; height: number; data: Uint8Array } | undefined;
let scheduled = false;
let inside: { outputs: LayerOutput[]; probabilities: Float32Array } | undefined;
let chosen: UnitChoice | undefined;
const setGeometry = createGeometryPanel(element('geometry'));
// Stands in the model list for a params.json opened from disk: shown, never chosen.
const dropped = Object.assign(new Option('a dropped file', ''), { disabled: true });

function showError(error: unknown): void {
  errorLine.textContent = `cnn: ${error instanceof Error ? error.message : String(error)}`;
  errorLine.hidden = false;
}

function clearError(): void {
  errorLine.hidden = true;
  errorLine.textContent = '';
}

const pad = createPad(element<HTMLCanvasElement>('pad'), () => {
  picture = undefined;
  schedulePrediction();
});

// At most one prediction per frame: a fast pen sends more events than the screen can show.
function schedulePrediction(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    predict();
  });
}

function predict(): void {
  const source = picture ?? (pad.hasInk() ? pad.pixels() : undefined);
  if (model === undefined || source === undefined) {
    showBars(undefined);
    drawSeen(element('seen'), undefined);
    element('top-digit').textContent = '–';
    element('top-probability').textContent = '';
    return;
  }
  const started = performance.now();
  const digit = preprocessDigitWasm(source);
  const { network } = model;
  if (!sameShape(network.model.input, [1, 28, 28])) {
    showError(`${model.label}: the model takes input ${JSON.stringify(network.model.input)}, not a 28x28 digit`);
    return;
  }
  const forward = digit.empty ? undefined : forwardEachLayer(network, digit.pixels);
  const probabilities = forward?.probabilities;
  const milliseconds = performance.now() - started;
  inside = forward;
  showInside();
  drawSeen(element('seen'), digit.pixels);
  showBars(probabilities);
  const top = probabilities === undefined ? -1 : probabilities.indexOf(Math.max(...probabilities));
  element('top-digit').textContent = top < 0 ? '–' : String(top);
  element('top-probability').textContent = top < 0 ? 'no ink found' : `${(100 * (probabilities as ArrayLike<number>)[top]).toFixed(1)}%`;
  const drawn = performance.now() - started - milliseconds;
  status.dataset.predictMilliseconds = milliseconds.toFixed(2);
  status.dataset.drawMilliseconds = drawn.toFixed(2);
  status.textContent = `${describeEngine()} · last prediction ${milliseconds.toFixed(1)} ms (preprocessing and forward pass), drawn in ${drawn.toFixed(1)} ms`;
}

function showInside(): void {
  if (inside === undefined) return;
  renderLayerOutputs(element('layers'), inside.outputs, inside.probabilities, chosen, chooseUnit);
  const unit = chosen === undefined ? undefined : inside.outputs[chosen.layerIndex];
  if (unit !== undefined) renderUnitDetail(element('unit-detail'), unit, chosen as UnitChoice);
}

function chooseUnit(choice: UnitChoice): void {
  chosen = choice;
  showInside();
}

function describeEngine(): string {
  return `kernels: ${kernels().name} · ${crossOriginIsolated ? 'cross-origin isolated: threads can share memory' : 'not cross-origin isolated: one thread'}`;
}

function useModel(loaded: LoadedModel): void {
  model = loaded;
  chosen = undefined;
  element('unit-detail').innerHTML = '<p class="muted small">No unit chosen yet: click a pixel of a conv map.</p>';
  const first = loaded.network.layers.find((layer) => layer.spec().type === 'convolution');
  const spec = first?.spec() as { size?: number; stride?: number; pad?: number } | undefined;
  setGeometry({ input: first?.inputShape[1] ?? 28, filter: spec?.size ?? 5, stride: spec?.stride ?? 1, pad: spec?.pad ?? 0 });
  const { metadata } = loaded;
  const accuracy = metadata.testAccuracy === undefined ? '' : `, test accuracy ${(100 * metadata.testAccuracy).toFixed(2)}%`;
  element('model-info').textContent = `${loaded.label}: ${metadata.model ?? 'custom'}${accuracy}`;
  clearError();
  predict();
}

async function openFile(file: File): Promise<void> {
  try {
    if (/\.json$/i.test(file.name) || file.type === 'application/json') {
      useModel(parseModel(await file.text(), file.name));
      dropped.textContent = `dropped: ${file.name}`;
      select.value = '';
      return;
    }
    const decoded = await decodePicture(file, file.name);
    pad.show(decoded.picture);
    picture = decoded.image;
    clearError();
    predict();
  } catch (error) {
    showError(error);
  }
}

async function start(): Promise<void> {
  // The snapshot the server opened with is always /model.json: fetched at once, beside the catalogue.
  const [catalogue, firstModel] = await Promise.all([fetchCatalogue(), fetchText('/model.json', 'model.json')]);
  select.append(new Option(`opened with: ${catalogue.model.label}`, catalogue.model.url));
  for (const name of catalogue.presets) select.append(new Option(`preset: ${name}`, `/presets/${name}.json`));
  select.append(dropped);
  select.addEventListener('change', () => {
    if (select.value === '') return;
    const label = select.selectedOptions[0].textContent ?? select.value;
    fetchModel(select.value, label.replace(/^[a-z ]+: /, '')).then(useModel, showError);
  });
  element('undo').addEventListener('click', () => pad.undo());
  element('clear').addEventListener('click', () => {
    picture = undefined;
    pad.clear();
  });
  for (const id of ['image-file', 'params-file']) {
    const input = element<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      if (input.files?.[0]) void openFile(input.files[0]);
      input.value = '';
    });
  }
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file) void openFile(file);
  });
  createTrainPanel(catalogue.presets, catalogue.mnist, showError);
  useModel(parseModel(firstModel, catalogue.model.label));
  // Since navigation began: what the benchmark (bench/page.ts) reports as the page's ready time.
  document.body.dataset.readyMilliseconds = performance.now().toFixed(1);
  document.body.dataset.ready = 'true';
  status.textContent = describeEngine();
}

start().catch(showError);
