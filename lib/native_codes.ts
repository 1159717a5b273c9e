/**
 * Every number the TypeScript side mirrors from the C++ headers, in one
 * place: op codes, activation and loss codes, optimizer kinds and flags, row
 * layouts. test/05.native-codes.test.ts reads the headers named beside each
 * table and checks every value. Add new codes here (and nowhere else).
 * @packageDocumentation
 */

/** Graph op codes (native/src/kernels/graph/graph_op.h OpCode). @internal */
export const OP_CODES = Object.freeze({
  dense: 0,
  activation: 1,
  flatten: 2,
  reshape: 3,
  add: 4,
  concat: 5,
  conv2d: 6,
  maxPool2d: 7,
  avgPool2d: 8,
  globalAvgPool2d: 9,
  dropout: 10,
  batchNorm: 11,
  layerNorm: 12,
  embedding: 13,
} as const);

/** Activation codes (native/src/kernels/nn/nn_table.h ActCode). @internal */
export const ACT_CODES = Object.freeze({
  linear: 0,
  relu: 1,
  leakyRelu: 2,
  sigmoid: 3,
  tanh: 4,
  gelu: 5,
  softmax: 6,
} as const);

/** Loss codes (native/src/kernels/nn/nn_ops.h LossCode). @internal */
export const LOSS_CODES = Object.freeze({
  mse: 0,
  softmaxCrossEntropy: 1,
  binaryCrossEntropy: 2,
} as const);

/** Optimizer kernel families (native/src/kernels/optim/optim_types.h OptimKind). @internal */
export const OPTIM_KINDS = Object.freeze({
  sgd: 0,
  adam: 1,
  adamax: 2,
  nadam: 3,
  radam: 4,
  adagrad: 5,
  rmsprop: 6,
  adadelta: 7,
  lion: 8,
  lamb: 9,
} as const);

/** Optimizer option bits (optim_types.h OptimFlag). @internal */
export const OPTIM_FLAGS = Object.freeze({
  maximize: 1 << 0,
  amsgrad: 1 << 1,
  decoupled: 1 << 2,
  nesterov: 1 << 3,
  firstStep: 1 << 4,
  momentum: 1 << 5,
  centered: 1 << 6,
  rectify: 1 << 7,
  /** TensorFlow.js's formula (lib/tfjs/optimizers). */
  tfjs: 1 << 8,
  /** State buffers are bf16 (Uint16Array), stored with stochastic rounding (docs/bf16.md). */
  bf16State: 1 << 9,
} as const);

/** Element-wise binary ops of the tfjs backend (native/src/kernels/elementwise/elementwise_table.h BinaryOp; r*: b op a). @internal */
export const BINARY_OPS = Object.freeze({ add: 0, sub: 1, mul: 2, div: 3, rsub: 4, rdiv: 5 } as const);

/** How ewBinary broadcasts b (elementwise_table.h BinaryMode): one value per column, or per row. @internal */
export const BINARY_MODES = Object.freeze({ row: 0, col: 1 } as const);

/** Doubles per tensor in the optimizer binding's scalar rows (optim_types.h kOptimScalarCount). @internal */
export const OPTIM_SCALARS_PER_TENSOR = 14;
