// Every optimizer against PyTorch 2.x fixtures, step for step, on every ISA.
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';
import { decodeF32, fixtureFiles, relErr, setupCase } from './helpers/optim-fixtures';
import { withEachIsa } from './helpers/isa';

type Ctor = new (params: simd.Param[], options?: Record<string, unknown>) => { step(): unknown };
const classes = simd as unknown as Record<string, Ctor>;
// Relative error (floor 1e-3 on |expected|) allowed against PyTorch.
const TOLERANCE = 1e-5;
let worstSeen = 0;

describe.each(fixtureFiles)('%s', (_file, fixture) => {
  it.each(fixture.cases.map((c, i) => [i, JSON.stringify(c.options), c] as const))('case %i %s matches PyTorch on every ISA', (_i, _o, c) => {
    withEachIsa((isa) => {
      const { params, nextGrads } = setupCase(fixture.sizes, c.seed);
      const opt = new classes[c.optimizer](params, c.options);
      for (let t = 1; t <= fixture.steps; t++) {
        nextGrads();
        opt.step();
        const expected = c.expected[String(t)];
        if (!expected) continue;
        params.forEach((p, k) => {
          const err = relErr(p.data, decodeF32(expected[k]));
          worstSeen = Math.max(worstSeen, err);
          expect(err, `${c.optimizer} ${isa} step ${t} tensor ${k}`).toBeLessThanOrEqual(TOLERANCE);
        });
      }
    });
  });
});

describe('parity summary', () => {
  it('reports the worst relative error seen', () => {
    // Runs after the cases above (same file, in order).
    expect(worstSeen).toBeGreaterThan(0);
    expect(worstSeen).toBeLessThanOrEqual(TOLERANCE);
    console.log(`optimizer parity: worst relative error vs PyTorch ${worstSeen.toExponential(2)}`);
  });
});
