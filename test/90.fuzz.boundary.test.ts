// The N-API boundary under adversarial arguments (a few hundred cases per
// function here; scripts/fuzz-boundary.js runs >= 100,000 in CI).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';

const require = createRequire(__filename);
const { fuzzBoundary, specs } = require('./fuzz/boundary.js');

describe('N-API boundary fuzzing', () => {
  it('every call returns or throws TypeError/RangeError, and a throw changes nothing', () => {
    const cases = fuzzBoundary(simd, 300, 20261128);
    expect(cases).toBeGreaterThanOrEqual(300 * specs.all().length);
  });
});
