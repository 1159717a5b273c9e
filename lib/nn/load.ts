/**
 * `loadCheckpoint`: rebuilds whichever model class a checkpoint holds
 * (Sequential or functional Model), with its optimizer state and epoch.
 * @packageDocumentation
 */
import { loadCheckpointFile, type Checkpoint } from '../io/checkpoint';
import type { GraphModel } from './graph';
import { Model } from './model';
import { Sequential } from './sequential';

/** Rebuilds a model (and its optimizer state and epoch) from a checkpoint. */
export async function loadCheckpoint(file: string): Promise<Checkpoint<Sequential | Model>> {
  const result = await loadCheckpointFile(file, (c, layers, seed): GraphModel =>
    c.class === 'Sequential' ? new Sequential(layers, { seed, inputShape: [...c.inputShape] }) : Model.fromLayers(c.inputShape, layers, c.inputs!, seed));
  return result as Checkpoint<Sequential | Model>;
}
