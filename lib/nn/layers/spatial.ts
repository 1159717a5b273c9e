/**
 * Helpers shared by the spatial layers (Conv2D, pooling): option parsing and
 * the output-size arithmetic, with errors that name the layer and shapes.
 * @packageDocumentation
 */
import { fmt, type Layer, type Shape } from './layer';

/** 'valid', 'same', a number, or [top/bottom, left/right]. */
export type Padding = 'valid' | 'same' | number | [number, number];

/** A size given as n or [h, w]. @internal */
export function pair(v: unknown, name: string, min: number): [number, number] {
  const a = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(a) || a.length !== 2 || !a.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= 1 << 20)) {
    throw new RangeError(`'${name}' must be an integer >= ${min} or a pair of them (got ${JSON.stringify(v)})`);
  }
  return [a[0], a[1]];
}

/** Checks a padding option. @internal */
export function checkPadding(p: unknown): Padding {
  if (p === 'valid' || p === 'same') return p;
  return pair(p, 'padding', 0);
}

/** Pads [before, after] of one axis: TensorFlow's 'same' puts the odd pixel after. @internal */
export function padAxis(padding: Padding, axis: 0 | 1, size: number, k: number, stride: number, dil: number): [number, number] {
  if (padding === 'valid') return [0, 0];
  if (padding === 'same') {
    const total = Math.max((Math.ceil(size / stride) - 1) * stride + dil * (k - 1) + 1 - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }
  const p = typeof padding === 'number' ? padding : padding[axis];
  return [p, p];
}

/** Output size of one axis, or a RangeError naming the layer when the window does not fit. @internal */
export function outSize(layer: Layer, input: Shape, axis: 0 | 1, pad: [number, number], k: number, stride: number, dil: number): number {
  const size = input[1 + axis];
  const span = dil * (k - 1) + 1;
  if (size + pad[0] + pad[1] < span) {
    throw layer.shapeError(`input ${fmt(input)}: the ${axis ? 'width' : 'height'} ${size} + padding ${pad[0] + pad[1]} is smaller than the window ${span}`);
  }
  return Math.floor((size + pad[0] + pad[1] - span) / stride) + 1;
}

/** Throws unless the input is an image [c, h, w]. @internal */
export function requireImage(layer: Layer, input: Shape): void {
  if (input.length !== 3) throw layer.shapeError(`input ${fmt(input)} has rank ${input.length}, the layer expects [channels, height, width]`);
}
