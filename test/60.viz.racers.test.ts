import { describe, expect, it } from 'vitest';
import { DEFAULT_LR, DEFAULT_OPTIMIZERS, DEFAULT_STEPS, OPTIMIZER_NAMES, TEST_FUNCTIONS, parseOptimizerSpec, resolveRacers, type OptimizerClasses } from 'simdtrain';

// Records how resolveRacers constructs optimizers (the plumbing, not the maths).
function recordingClasses(log: Array<{ cls: string; options: Record<string, unknown> }>): OptimizerClasses {
  const make = (cls: string) =>
    class {
      constructor(_params: unknown[], options: Record<string, number | boolean>) {
        log.push({ cls, options });
      }
      step() {}
    };
  return { SGD: make('SGD'), Adagrad: make('Adagrad'), RMSprop: make('RMSprop'), Adam: make('Adam'), AdamW: make('AdamW'), NAdam: make('NAdam') };
}

describe('racer specs', () => {
  it('parses name:key=value specs', () => {
    expect(parseOptimizerSpec('momentum:lr=0.002:momentum=0.95')).toEqual({ name: 'momentum', lr: 0.002, options: { momentum: 0.95 } });
    expect(parseOptimizerSpec('Adam:amsgrad=true')).toEqual({ name: 'adam', options: { amsgrad: true } });
  });

  it('rejects unknown optimizers and malformed specs, naming optimizers', () => {
    expect(() => parseOptimizerSpec('lbfgs')).toThrow(/'optimizers': unknown optimizer "lbfgs"/);
    expect(() => parseOptimizerSpec('adam:lr')).toThrow(/'optimizers': expected key=value/);
    expect(() => parseOptimizerSpec('adam:lr=fast')).toThrow(/'optimizers': lr must be a number/);
    expect(() => resolveRacers([], 'beale', recordingClasses([]))).toThrow(/'optimizers'/);
    expect(() => resolveRacers([{ name: 'adamax' }], 'beale', recordingClasses([]))).toThrow(RangeError);
  });

  it('builds the article set with per-function learning rates and the fixed momentum options', () => {
    const log: Array<{ cls: string; options: Record<string, unknown> }> = [];
    const racers = resolveRacers([...DEFAULT_OPTIMIZERS], 'rosenbrock', recordingClasses(log));
    racers.forEach((r) => r.create([{ data: new Float32Array(2), grad: new Float32Array(2) }]));
    expect(log).toEqual([
      { cls: 'SGD', options: { lr: DEFAULT_LR.rosenbrock.sgd } },
      { cls: 'SGD', options: { momentum: 0.9, lr: DEFAULT_LR.rosenbrock.momentum } },
      { cls: 'SGD', options: { momentum: 0.9, nesterov: true, lr: DEFAULT_LR.rosenbrock.nesterov } },
      { cls: 'Adagrad', options: { lr: DEFAULT_LR.rosenbrock.adagrad } },
      { cls: 'RMSprop', options: { lr: DEFAULT_LR.rosenbrock.rmsprop } },
      { cls: 'Adam', options: { lr: DEFAULT_LR.rosenbrock.adam } },
    ]);
    expect(racers.map((r) => r.label)).toEqual(['SGD lr=0.001', 'Momentum lr=0.001', 'Nesterov lr=0.001', 'AdaGrad lr=0.5', 'RMSProp lr=0.01', 'Adam lr=0.1']);
    expect(new Set(racers.map((r) => r.color)).size).toBe(6);
  });

  it('spec options override the fixed ones and the default lr', () => {
    const log: Array<{ cls: string; options: Record<string, unknown> }> = [];
    const [r] = resolveRacers(['momentum:lr=0.003:momentum=0.5'], 'saddle', recordingClasses(log));
    r.create([]);
    expect(log[0]).toEqual({ cls: 'SGD', options: { momentum: 0.5, lr: 0.003 } });
    expect(r.label).toBe('Momentum lr=0.003 momentum=0.5');
  });

  it('every function has a default lr for every racer name and a step count', () => {
    for (const fn of Object.keys(TEST_FUNCTIONS)) {
      for (const name of OPTIMIZER_NAMES) expect(DEFAULT_LR[fn][name], `${fn} ${name}`).toBeGreaterThan(0);
      expect(DEFAULT_STEPS[fn]).toBeGreaterThan(0);
    }
  });
});
