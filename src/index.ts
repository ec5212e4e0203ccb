// The library's public API: everything needed to build, train, check, save and load a network without
// the command line. See the README for a short example.

export { type Tensor, type FloatArray, type DType, tensor, zeros, reshape, sizeOf } from './tensor/tensor.js';
export { Random, type RandomState } from './tensor/random.js';
export { convOutSize, GeometryError } from './tensor/geometry.js';

export { gemmNaive, gemmBlocked, type Gemm, type GemmArguments } from './kernels/gemm.js';
export { im2col, col2im, type WindowGeometry } from './kernels/im2col.js';
export { conv2dDirect, convWeightGradientDirect } from './kernels/conv-direct.js';
export { kernels, useKernels, typescriptKernels, setThreadCount, activeThreadCount } from './kernels/backend.js';
export type { Kernels, DirectConvolution } from './kernels/kernels.js';

export type {
  Layer, LayerSpec, Param, StateTensor, WeightInit, ConvolutionSpec, PoolingSpec, AffineSpec, TanhSpec, LrnSpec, DropoutSpec,
  BatchNormSpec,
} from './layers/layer.js';
export { Convolution } from './layers/convolution.js';
export { Pooling } from './layers/pooling.js';
export { Affine } from './layers/affine.js';
export { Relu, Sigmoid, Tanh } from './layers/activations.js';
export { Dropout } from './layers/dropout.js';
export { LocalResponseNormalization, BatchNormalization } from './layers/normalization.js';
export { SoftmaxWithLoss, softmax } from './layers/softmax-with-loss.js';
export { createLayer } from './layers/create.js';

export { Network, argmax, type ModelSpec, type NetworkOptions } from './models/network.js';
export { simpleConvNet, leNet, alexNet, deepConvNet, withWeightInit, presets, type SimpleConvNetOptions } from './models/presets.js';
export { parseModelFile, loadModelFile } from './io/model-file.js';
export { validateModelSpec, buildNetwork } from './models/validate.js';

export { SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, createOptimizer, optimizerNames } from './optim/index.js';
export type { Optimizer } from './optim/index.js';
export type { OptimizerState } from './optim/optimizer.js';

export { parseIdx, parseImages, parseLabels } from './data/idx.js';
export { loadMnist, loadDataset, limitDataset, splitValidation, defaultMnistDirectory, type Dataset } from './data/mnist.js';
export { augmentBatch, transformImage, defaultAugment, type AugmentOptions } from './data/augment.js';
export { epochBatches, datasetTensor, fillBatch, type Batch } from './data/batches.js';

export { saveSnapshot, loadSnapshot, serializeSnapshot, parseSnapshot, type SnapshotMetadata } from './io/snapshot.js';
export { preprocessDigit, renderDigit } from './io/preprocess.js';

export { train, TrainingDiverged, type TrainOptions, type EpochRecord, type BatchProgress, type TrainPosition } from './train/train.js';
export { saveCheckpoint, loadCheckpoint, checkpointPath, type Checkpoint, type TrainSettings } from './io/checkpoint.js';
export { evaluate, type Evaluation } from './train/evaluate.js';

export { CnnError, UsageError } from './errors.js';

export { exportOnnx, type ExportOptions } from './io/onnx/export.js';
export { importOnnx, type ImportedModel } from './io/onnx/import.js';
