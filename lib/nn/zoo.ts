/**
 * Reference networks the CLI and the benchmarks train: Keras's
 * `mnist_convnet` and ResNet-20 (CIFAR shape, He et al. 2016, option A
 * shortcuts replaced by 1x1 convolutions with BatchNorm where the shape
 * changes, as most PyTorch ports do).
 * @packageDocumentation
 */
import { BatchNorm } from './layers/normalization';
import { Conv2D } from './layers/conv2d';
import { Dense } from './layers/dense';
import { Dropout } from './layers/dropout';
import { Flatten } from './layers/flatten';
import { Input, type Layer, type SymbolicTensor } from './layers/layer';
import { Activation } from './layers/activation';
import { add } from './layers/merge';
import { GlobalAveragePooling2D, MaxPool2D } from './layers/pooling';
import { Model } from './model';

/** Conv 32 3x3 relu, MaxPool 2, Conv 64 3x3 relu, MaxPool 2, Flatten, Dropout 0.5, Dense 10 (input [1, 28, 28]). */
export function mnistConvnet(): Layer[] {
  return [
    new Conv2D(32, 3, { activation: 'relu', inputShape: [1, 28, 28] }),
    new MaxPool2D(2),
    new Conv2D(64, 3, { activation: 'relu' }),
    new MaxPool2D(2),
    new Flatten(),
    new Dropout(0.5),
    new Dense(10),
  ];
}

function convBn(x: SymbolicTensor, filters: number, k: number, stride: number): SymbolicTensor {
  const c = new Conv2D(filters, k, { strides: stride, padding: k === 3 ? 1 : 0, useBias: false }).apply(x);
  return new BatchNorm().apply(c);
}

/** One basic block: conv-bn-relu-conv-bn + shortcut, relu. */
function basicBlock(x: SymbolicTensor, filters: number, stride: number): SymbolicTensor {
  const h = new Activation('relu').apply(convBn(x, filters, 3, stride));
  const y = convBn(h, filters, 3, 1);
  const shortcut = stride !== 1 || x.shape[0] !== filters ? convBn(x, filters, 1, stride) : x;
  return new Activation('relu').apply(add([y, shortcut]));
}

/** ResNet-20 for [3, 32, 32] inputs and `classes` outputs (3 stages of 3 blocks, 16/32/64 channels). */
export function resnet20(classes = 10, seed?: number): Model {
  const input = Input([3, 32, 32]);
  let x = new Activation('relu').apply(convBn(input, 16, 3, 1));
  for (const [filters, stride] of [[16, 1], [32, 2], [64, 2]]) {
    x = basicBlock(x, filters, stride);
    x = basicBlock(x, filters, 1);
    x = basicBlock(x, filters, 1);
  }
  const logits = new Dense(classes).apply(new GlobalAveragePooling2D().apply(x));
  return new Model({ inputs: input, outputs: logits }, seed === undefined ? {} : { seed });
}
