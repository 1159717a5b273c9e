/**
 * Layer classes by name, for rebuilding models from checkpoint configs.
 * A new layer adds its file and one line here.
 * @packageDocumentation
 */
import { Activation } from './activation';
import { Dense, type DenseConfig } from './dense';
import { Flatten } from './flatten';
import type { Layer } from './layer';
import { Add, Concatenate } from './merge';
import { Reshape } from './reshape';
import { Conv2D } from './conv2d';
import { AvgPool2D, GlobalAveragePooling2D, MaxPool2D } from './pooling';
import { Dropout } from './dropout';
import { BatchNorm, LayerNorm } from './normalization';
import { Embedding } from './embedding';

/** A stored layer: its class name, name and config. */
export interface LayerConfig {
  type: string;
  name?: string;
  [key: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FromConfig = (config: any) => Layer;

const REGISTRY: Record<string, FromConfig> = {
  Dense: (c: DenseConfig) => Dense.fromConfig({ ...c, type: 'Dense' }),
  Activation: Activation.fromConfig,
  Flatten: Flatten.fromConfig,
  Reshape: Reshape.fromConfig,
  Add: Add.fromConfig,
  Concatenate: Concatenate.fromConfig,
  Conv2D: Conv2D.fromConfig,
  MaxPool2D: MaxPool2D.fromConfig,
  AvgPool2D: AvgPool2D.fromConfig,
  GlobalAveragePooling2D: GlobalAveragePooling2D.fromConfig,
  Dropout: Dropout.fromConfig,
  BatchNorm: BatchNorm.fromConfig,
  LayerNorm: LayerNorm.fromConfig,
  Embedding: Embedding.fromConfig,
};

/** The stored form of a layer. */
export function layerConfig(layer: Layer): LayerConfig {
  return { ...(layer.config() as Record<string, unknown>), type: layer.className, name: layer.name };
}

/** Rebuilds a layer; TypeError for an unknown type. */
export function layerFromConfig(config: LayerConfig): Layer {
  if (typeof config !== 'object' || config === null || typeof config.type !== 'string' || !Object.hasOwn(REGISTRY, config.type)) {
    throw new TypeError(`unsupported layer type '${String((config as LayerConfig | null)?.type)}'`);
  }
  return REGISTRY[config.type](config);
}
