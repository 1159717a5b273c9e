import { describe, expect, it } from 'vitest';
import { vec } from 'simdtrain';

const detached = () => {
  const a = new Float32Array(8);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};

describe('vector primitives reject bad input without writing', () => {
  it('non-Float32Array arguments are TypeErrors naming the argument', () => {
    const bad: unknown[] = [[1, 2], new Float64Array(2), 'abc', { length: 2 }, null, undefined, 3];
    for (const b of bad) {
      expect(() => vec.sum(b as Float32Array)).toThrow(TypeError);
      expect(() => vec.sum(b as Float32Array)).toThrow(/'x' must be a Float32Array/);
      expect(() => vec.fill(b as Float32Array, 1)).toThrow(/'out'/);
      expect(() => vec.axpy(1, new Float32Array(2), b as Float32Array)).toThrow(/'y'/);
    }
  });

  it('non-number scalars are TypeErrors', () => {
    const y = new Float32Array(4).fill(1);
    expect(() => vec.axpy('2' as never, y, y)).toThrow(/'alpha' must be a number/);
    expect(() => vec.fill(y, undefined as never)).toThrow(TypeError);
    expect(Array.from(y)).toEqual([1, 1, 1, 1]);
  });

  it('lengths that disagree are RangeErrors and nothing is written', () => {
    const x = new Float32Array(5).fill(1);
    const y = new Float32Array(4).fill(2);
    expect(() => vec.axpy(1, x, y)).toThrow(RangeError);
    expect(() => vec.axpy(1, x, y)).toThrow(/'x' and 'y' must have the same length \(got 5 and 4\)/);
    expect(Array.from(y)).toEqual([2, 2, 2, 2]);
    expect(() => vec.dot(x, y)).toThrow(RangeError);
  });

  it('partially overlapping output is a RangeError and nothing is written', () => {
    const buf = new Float32Array(10).map((_, i) => i);
    const copy = Float32Array.from(buf);
    expect(() => vec.axpy(1, buf.subarray(0, 8), buf.subarray(2, 10))).toThrow(/'y' overlaps 'x'/);
    expect(Array.from(buf)).toEqual(Array.from(copy));
  });

  it('detached buffers are RangeErrors', () => {
    expect(() => vec.sum(detached())).toThrow(RangeError);
    expect(() => vec.sum(detached())).toThrow(/'x' is backed by a detached ArrayBuffer/);
    expect(() => vec.fill(detached(), 1)).toThrow(/detached/);
  });
});
