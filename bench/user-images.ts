// `npm run bench:images`: how well the network reads digits as users really hand them over. MNIST
// test digits are redrawn as photos, scans, canvas drawings and screenshots (styles in
// user-images/styles.ts), written to files and classified through the very path `cnn predict` takes:
// loadDigitImage, then network.probabilities. The same digits' accuracy as original 28x28 MNIST
// is the bar: the gap between the two is what preprocessing loses.
// Usage: node dist/user-images.js [--params FILE] [--count N] [--seed S] [--keep DIR] [--json]

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetTensor } from '../src/data/batches.js';
import { loadDataset, defaultMnistDirectory } from '../src/data/mnist.js';
import { loadDigitImage } from '../src/io/image.js';
import { loadSnapshot } from '../src/io/snapshot.js';
import { argmax } from '../src/models/network.js';
import { Random } from '../src/tensor/random.js';
import { styles } from './user-images/styles.js';

interface Tally {
  images: number;
  mnistCorrect: number;
  userCorrect: number;
  noDigit: number;
  seconds: number; // reading, preprocessing and classifying
}

interface Mistake {
  file: string;
  style: string;
  label: number;
  predicted: number | null;
  originalRight: boolean; // the network reads this digit's MNIST original correctly
}

const params = valueOf('--params') ?? 'params/simple-convnet.json';
const count = integerOption('--count', 1000);
const seed = integerOption('--seed', 1);
const keep = valueOf('--keep');
const json = process.argv.includes('--json');

function valueOf(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function integerOption(flag: string, fallback: number): number {
  const text = valueOf(flag);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < (flag === '--seed' ? 0 : 1)) {
    fail(`${flag} must be a ${flag === '--seed' ? 'non-negative' : 'positive'} integer, got ${text}`, 2);
  }
  return value;
}

function fail(text: string, code: number): never {
  process.stderr.write(`user-images: ${text}\n`);
  process.exit(code);
}

const { network } = await loadSnapshot(params).catch((error: Error) => fail(`${error.message} (pass --params, or train one with cnn train)`, 1));
const test = await loadDataset(defaultMnistDirectory(), 'test');
const selected = Math.min(count, test.count);
// Evenly spaced over the whole test set: its two halves come from different writers (Census staff,
// then students) and differ in difficulty, so the first N would flatter the network.
const indices = Array.from({ length: selected }, (_, k) => Math.floor((k * test.count) / selected));

// The originals, batched as in `cnn eval`; which of them the network gets right, digit by digit.
const size = test.rows * test.columns;
const originals = new Float32Array(selected * size);
indices.forEach((index, k) => originals.set(datasetTensor(test, index, 1).data, k * size));
const mnistRight: boolean[] = [];
for (let start = 0; start < selected; start += 100) {
  const n = Math.min(100, selected - start);
  const scores = network.predict({ shape: [n, 1, test.rows, test.columns], data: originals.subarray(start * size, (start + n) * size) }, false);
  for (let k = 0; k < n; k++) mnistRight.push(argmax(scores.data, k * network.classes, network.classes) === test.labels[indices[start + k]]);
}

const directory = keep ?? (await mkdtemp(join(tmpdir(), 'cnn-user-images-')));
if (keep) await mkdir(keep, { recursive: true });
const tallies = new Map(styles.map((style) => [style.name, { images: 0, mnistCorrect: 0, userCorrect: 0, noDigit: 0, seconds: 0 } as Tally]));
const mistakes: Mistake[] = [];
let drawSeconds = 0;
try {
  for (let k = 0; k < selected; k++) {
    const index = indices[k];
    const label = test.labels[index];
    const style = styles[k % styles.length];
    // One stream per test digit, so a digit's picture does not change with --count.
    const random = new Random((Math.imul(seed, 0x9e3779b1) + index) >>> 0);
    let started = performance.now();
    const { image, extension } = style.draw(test.images.subarray(index * size, (index + 1) * size), random);
    const file = join(directory, `${String(index).padStart(4, '0')}-${style.name.replaceAll(' ', '-')}-${label}.${extension}`);
    await image.toFile(file);
    drawSeconds += (performance.now() - started) / 1000;

    started = performance.now();
    let predicted: number | null = null;
    try {
      const digit = await loadDigitImage(file);
      const probabilities = network.probabilities({ shape: [1, ...network.model.input], data: digit.pixels }).data;
      predicted = argmax(probabilities, 0, probabilities.length);
    } catch (error) {
      // A picture the loader rejects is a wrong answer for the user; anything else is a bug here.
      if (!(error instanceof Error && error.message.includes('no digit found'))) throw error;
    }
    const tally = tallies.get(style.name) as Tally;
    tally.seconds += (performance.now() - started) / 1000;
    tally.images++;
    if (mnistRight[k]) tally.mnistCorrect++;
    if (predicted === label) tally.userCorrect++;
    else mistakes.push({ file, style: style.name, label, predicted, originalRight: mnistRight[k] });
    if (predicted === null) tally.noDigit++;
  }
} finally {
  if (!keep) await rm(directory, { recursive: true, force: true });
}

const all = [...tallies.values()].reduce(
  (sum, tally) => ({
    images: sum.images + tally.images,
    mnistCorrect: sum.mnistCorrect + tally.mnistCorrect,
    userCorrect: sum.userCorrect + tally.userCorrect,
    noDigit: sum.noDigit + tally.noDigit,
    seconds: sum.seconds + tally.seconds,
  }),
  { images: 0, mnistCorrect: 0, userCorrect: 0, noDigit: 0, seconds: 0 },
);
const fraction = (part: number, whole: number): number => Number((whole === 0 ? 0 : part / whole).toFixed(4));
const percent = (part: number, whole: number): string => `${(100 * fraction(part, whole)).toFixed(1)}%`;

const rows = [...tallies.entries(), ['all', all] as const].map(([name, tally]) => [
  name,
  String(tally.images),
  percent(tally.mnistCorrect, tally.images),
  percent(tally.userCorrect, tally.images),
  String(tally.noDigit),
  (tally.images / tally.seconds).toFixed(1),
]);
const header = ['style', 'images', 'MNIST 28x28', 'user image', 'no digit', 'images/s'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
const line = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  ');
console.log(`${selected} MNIST test digits, evenly spaced; seed ${seed}; ${params}`);
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(`images/s: read, preprocess and classify, as cnn predict does (drawing and writing them: ${(selected / drawSeconds).toFixed(1)}/s)`);
if (keep) {
  console.log(`images kept in ${keep}; ${mistakes.length} misread${mistakes.length > 20 ? ', the first 20' : ''}:`);
  for (const { file, predicted, originalRight } of mistakes.slice(0, 20)) {
    console.log(`  ${file}: read as ${predicted ?? 'no digit'}${originalRight ? '' : ' (its MNIST original is misread too)'}`);
  }
}
if (json) {
  const summary = (tally: Tally) => ({
    images: tally.images,
    mnistAccuracy: fraction(tally.mnistCorrect, tally.images),
    userAccuracy: fraction(tally.userCorrect, tally.images),
    noDigit: tally.noDigit,
    imagesPerSecond: Number((tally.images / tally.seconds).toFixed(1)),
  });
  console.log(
    JSON.stringify({
      params,
      seed,
      ...summary(all),
      styles: Object.fromEntries([...tallies].map(([name, tally]) => [name, summary(tally)])),
      mistakes: keep ? mistakes : undefined,
    }),
  );
}
