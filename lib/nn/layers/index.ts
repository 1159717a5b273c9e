/**
 * Every layer, and the functional API's Input / add / concatenate.
 * @packageDocumentation
 */
export { Layer, Input, SymbolicTensor } from './layer';
export type { Shape, LayerOptions, TensorSpec } from './layer';
export { Dense } from './dense';
export type { DenseOptions, DenseConfig } from './dense';
export { Activation } from './activation';
export type { ActivationOptions } from './activation';
export { Flatten } from './flatten';
export { Reshape } from './reshape';
export { Add, Concatenate, add, concatenate } from './merge';
export { Conv2D } from './conv2d';
export type { Conv2DOptions } from './conv2d';
export type { Padding } from './spatial';
export { MaxPool2D, AvgPool2D, GlobalAveragePooling2D } from './pooling';
export type { Pool2DOptions } from './pooling';
export { Dropout } from './dropout';
export { BatchNorm, LayerNorm } from './normalization';
export type { BatchNormOptions, LayerNormOptions } from './normalization';
export { Embedding } from './embedding';
export type { EmbeddingOptions } from './embedding';
