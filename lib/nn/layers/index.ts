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
