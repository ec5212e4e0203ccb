// Entry point of the WebAssembly kernel module: the matrix product and the layers' kernels.
export { gemm, workspaceBytes, heapBase } from './gemm.as';
export {
  reluForward, reluBackward, im2col, col2im, rowsToPlanes, planesToRows, maxPoolForward, maxPoolWinners, maxPoolBackward, adamUpdate, sgdUpdate, momentumUpdate,
  scaledUpdate,
  addInto, bytesToUnit, gatherColumns, scatterColumns, sigmoidForward, sigmoidBackward, averagePoolForward, averagePoolBackward, lrnForward, lrnBackward,
} from './layers.as';
export { convolutionForward, convolutionReluPool, convolutionWeightGradient, convolutionWeightGradientPooled } from './direct.as';
export { multiplyAddPeak } from './simd.as';
