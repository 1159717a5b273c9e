// The N-API boundary under adversarial arguments (a few hundred cases per
// function here; scripts/fuzz-boundary.js runs >= 100,000 in CI).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';

const require = createRequire(__filename);
const { fuzzBoundary, fuzzWorkersTerminated, specs, unexpectedRejections } = require('./fuzz/boundary.js');

describe('N-API boundary fuzzing', () => {
  it('every call returns or throws TypeError/RangeError, and a throw changes nothing', () => {
    const cases = fuzzBoundary(simd, 300, 20261128);
    expect(cases).toBeGreaterThanOrEqual(300 * specs.all().length);
  });

  it('async calls whose arrays are detached or shrunk while pending reject only with TypeError/RangeError', async () => {
    fuzzBoundary(simd, 100, 7);
    await new Promise((r) => setTimeout(r, 200)); // let pending work settle
    expect(unexpectedRejections).toEqual([]);
  });

  it('Workers terminated mid-fuzz never take the process down', async () => {
    // In this process: an abort would kill the test runner itself (a failed file).
    await fuzzWorkersTerminated(require.resolve('simdtrain'), 2, 300, 11);
  });
});
