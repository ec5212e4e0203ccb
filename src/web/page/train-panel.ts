// The Train card: starts the training worker with the form's settings, relays pause, resume and
// stop, and draws what comes back: the loss of each batch, train and test accuracy, the first
// convolution's filters, images/s and ETA, and the snapshot to download after each epoch or stop.

import type { EpochRecord } from '../../train/train.js';
import type { FromWorker, ToWorker } from '../worker/protocol.js';
import { create, planeCanvas } from './grey.js';
import { drawLineChart } from './line-chart.js';
import { readTrainForm, setUpTrainForm } from './train-form.js';

const chartInterval = 250; // ms between two redraws of the curves

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export function createTrainPanel(presetNames: string[], mnist: Record<string, string> | null, showError: (error: unknown) => void): void {
  setUpTrainForm(presetNames);
  const [start, pause, stop, download] = ['train-start', 'train-pause', 'train-stop', 'train-download'].map((id) => element<HTMLButtonElement>(id));
  const progressLine = element('train-progress');
  if (mnist === null) {
    start.disabled = true;
    progressLine.textContent = 'Training is off: the server has no MNIST files (start it with --data DIR).';
  }
  if (!crossOriginIsolated) element('train-note').textContent = 'This page is not cross-origin isolated (its server sent no COOP/COEP headers), so no memory can be shared between threads: training runs on one thread.';
  let worker: Worker | undefined;
  let snapshot: string | undefined;
  let state: 'idle' | 'running' | 'paused' = 'idle';
  let losses: [number, number][] = [];
  let trainAccuracy: [number, number][] = [];
  let testAccuracy: [number, number][] = [];
  let info = { threads: 1, trainImages: 0, batches: 1, epochs: 1 };
  let previous = { images: 0, sum: 0 };
  let stepTimes: number[] = [];
  let progressText = '';
  let drawPending = false;
  const send = (message: ToWorker): void => worker?.postMessage(message);
  const setState = (next: typeof state): void => {
    state = next;
    start.disabled = state !== 'idle' || mnist === null;
    pause.disabled = state === 'idle';
    pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
    stop.disabled = state === 'idle';
    download.disabled = snapshot === undefined;
  };
  // A few times a second at most: drawing competes for the cores the training runs on. The progress
  // line too: set at every batch, its text alone made the page lay out and paint a frame per step.
  const drawCharts = (): void => {
    if (drawPending) return;
    drawPending = true;
    setTimeout(() => requestAnimationFrame(() => {
      drawPending = false;
      redraw();
    }), chartInterval);
  };
  // At once: when a run pauses or ends, whose last batches may not have been drawn yet.
  const redraw = (): void => {
    if (progressText !== '') progressLine.textContent = progressText;
    progressText = '';
    // Every step's time, for the benchmark (bench/page.ts) to read.
    progressLine.dataset.stepMilliseconds = JSON.stringify(stepTimes);
    drawLineChart(element('loss-chart'), [{ label: 'loss', color: '#2f6fde', points: losses }], { xLabel: 'batch' });
    drawLineChart(element('accuracy-chart'), [
      { label: 'train', color: '#2f6fde', points: trainAccuracy },
      { label: 'test', color: '#d98b3a', points: testAccuracy, dots: true },
    ], { xLabel: 'batch', yMin: 0, yMax: 1, percent: true });
    element('loss-chart').dataset.losses = JSON.stringify(losses.map(([, loss]) => loss));
  };

  const onMessage = (message: FromWorker): void => {
    switch (message.type) {
      case 'status':
        progressLine.textContent = message.text;
        break;
      case 'started':
        info = { threads: message.threads, trainImages: message.trainImages, batches: message.batches, epochs: info.epochs };
        progressLine.textContent = `training on ${message.trainImages} images (test ${message.testImages}), ${message.threads} thread${message.threads === 1 ? '' : 's'}, learning rate ${message.learningRate}`;
        break;
      case 'batch': {
        const { progress } = message;
        if (progress.batch === 1) previous = { images: 0, sum: 0 };
        // The loop reports the epoch's running mean; the batch's own loss is the difference of sums.
        const sum = progress.loss * progress.images;
        const step = (progress.epoch - 1) * info.batches + progress.batch;
        losses.push([step, (sum - previous.sum) / (progress.images - previous.images)]);
        previous = { images: progress.images, sum };
        trainAccuracy.push([step, progress.accuracy]);
        const remaining = (info.epochs - progress.epoch) * info.trainImages + (info.trainImages - progress.images);
        const eta = Math.round(remaining / progress.imagesPerSecond);
        progressText = `epoch ${progress.epoch}/${info.epochs} · batch ${progress.batch}/${progress.batches} · loss ${progress.loss.toFixed(4)} · train ${(100 * progress.accuracy).toFixed(1)}% · ${Math.round(progress.imagesPerSecond)} images/s · ETA ${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, '0')} · ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
        stepTimes.push(message.stepMilliseconds);
        if (message.filters) drawFilters(message.filters.data, message.filters.shape);
        drawCharts();
        break;
      }
      case 'epoch':
        snapshot = message.snapshot;
        testAccuracy.push([message.record.epoch * info.batches, message.record.testAccuracy]);
        addEpoch(message.record);
        setState(state);
        drawCharts();
        break;
      case 'paused':
        snapshot = message.snapshot;
        redraw();
        progressLine.textContent += ' · paused';
        setState('paused');
        break;
      case 'finished':
        snapshot = message.snapshot;
        redraw();
        progressLine.textContent = `${message.stopped ? 'stopped' : 'finished'}: ${progressLine.textContent.replace(/ · ETA \d+:\d\d/, '').replace(/ · paused$/, '')}`;
        progressLine.dataset.finished = 'true';
        setState('idle');
        break;
      case 'error':
        showError(message.message);
        setState('idle');
        break;
    }
  };

  element('train-form').addEventListener('submit', (event) => {
    event.preventDefault();
    let settings;
    try {
      settings = readTrainForm(mnist ?? {});
    } catch (error) {
      showError(error);
      return;
    }
    worker?.terminate();
    worker = new Worker('/train-worker.js', { type: 'module' });
    worker.onmessage = (reply: MessageEvent<FromWorker>) => onMessage(reply.data);
    worker.onerror = (error) => showError(`training worker: ${error.message}`);
    losses = [];
    stepTimes = [];
    trainAccuracy = [];
    testAccuracy = [];
    snapshot = undefined;
    info.epochs = settings.epochs;
    element('epoch-list').replaceChildren();
    delete progressLine.dataset.finished;
    setState('running');
    send({ type: 'start', settings });
  });
  pause.addEventListener('click', () => {
    if (state === 'running') send({ type: 'pause' });
    else if (state === 'paused') {
      send({ type: 'resume' });
      setState('running');
    }
  });
  stop.addEventListener('click', () => send({ type: 'stop' }));
  download.addEventListener('click', () => {
    if (snapshot === undefined) return;
    const link = Object.assign(create('a'), { href: URL.createObjectURL(new Blob([snapshot], { type: 'application/json' })), download: 'browser-snapshot.json' });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  setState('idle');
  drawCharts();
}

function drawFilters(data: Float32Array, [F, C, KH, KW]: number[]): void {
  // Channel 0 of each filter; the first convolution of MNIST has only that one.
  const tiles = Array.from({ length: F }, (_, f) => {
    const tile = planeCanvas(data.subarray(f * C * KH * KW, f * C * KH * KW + KH * KW), KH, KW);
    tile.style.width = '40px';
    return tile;
  });
  element('train-filters').replaceChildren(...tiles);
}

function addEpoch(record: EpochRecord): void {
  const line = create('li', '', `epoch ${record.epoch}: loss ${record.trainLoss.toFixed(4)}, train ${(100 * record.trainAccuracy).toFixed(2)}%, test ${(100 * record.testAccuracy).toFixed(2)}%, ${record.seconds.toFixed(1)} s`);
  element('epoch-list').append(line);
}
