/**
 * Classic 2-D optimization test functions with analytic gradients, the
 * region plotted for each, its minimum and a default start point.
 * @packageDocumentation
 */

/** A point (x, y). */
export type Point = readonly [number, number];

/** A 2-D function an optimizer race runs on. */
export interface TestFunction {
  /** Short name used by the CLI (`beale`, `rosenbrock`, `saddle`, `rastrigin`). */
  readonly name: string;
  /** Title for plots, with the formula. */
  readonly title: string;
  /** f(x, y). */
  value(x: number, y: number): number;
  /** ∇f(x, y) as [∂f/∂x, ∂f/∂y]. */
  gradient(x: number, y: number): [number, number];
  /** Plotted region: x range and y range. */
  readonly domain: { readonly x: Point; readonly y: Point };
  /** The global minimum, or null when there is none (the saddle is unbounded below). */
  readonly minimum: Point | null;
  /** Default start point of a race. */
  readonly start: Point;
  /** True when contour levels should be log-spaced (steep valleys, huge range). */
  readonly logLevels: boolean;
  /** Number of contour levels plots use by default (20 when absent). */
  readonly levels?: number;
  /** A stationary point worth marking when there is no minimum (the saddle's origin). */
  readonly saddlePoint?: Point;
}

/** Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5). */
export const beale: TestFunction = {
  name: 'beale',
  title: 'Beale  (1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²',
  value(x, y) {
    const a = 1.5 - x + x * y;
    const b = 2.25 - x + x * y * y;
    const c = 2.625 - x + x * y * y * y;
    return a * a + b * b + c * c;
  },
  gradient(x, y) {
    const a = 1.5 - x + x * y;
    const b = 2.25 - x + x * y * y;
    const c = 2.625 - x + x * y * y * y;
    return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1), 2 * a * x + 4 * b * x * y + 6 * c * x * y * y];
  },
  domain: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  minimum: [3, 0.5],
  start: [1, 1.5],
  logLevels: true,
};

/** Rosenbrock: (1 − x)² + 100(y − x²)², minimum (1, 1), start (−1.2, 1). */
export const rosenbrock: TestFunction = {
  name: 'rosenbrock',
  title: 'Rosenbrock  (1−x)² + 100(y−x²)²',
  value: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  domain: { x: [-2, 2], y: [-1, 3] },
  minimum: [1, 1],
  start: [-1.2, 1],
  logLevels: true,
};

/** The saddle x² − y² (no minimum: it falls away along y), start just off the ridge. */
export const saddle: TestFunction = {
  name: 'saddle',
  title: 'Saddle  x² − y²',
  value: (x, y) => x * x - y * y,
  gradient: (x, y) => [2 * x, -2 * y],
  domain: { x: [-1.5, 1.5], y: [-1.5, 1.5] },
  minimum: null,
  saddlePoint: [0, 0],
  start: [1, 1e-3],
  logLevels: false,
};

/** Rastrigin: 20 + x² − 10cos(2πx) + y² − 10cos(2πy), many local minima, global minimum (0, 0). */
export const rastrigin: TestFunction = {
  name: 'rastrigin',
  title: 'Rastrigin  20 + Σ (x² − 10 cos 2πx)',
  value: (x, y) => 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y),
  gradient: (x, y) => [2 * x + 20 * Math.PI * Math.sin(2 * Math.PI * x), 2 * y + 20 * Math.PI * Math.sin(2 * Math.PI * y)],
  domain: { x: [-4.5, 1.5], y: [-3, 3] },
  minimum: [0, 0],
  start: [-3.4, 1.3],
  logLevels: false,
  levels: 8,
};

/** Every built-in test function by name. */
export const TEST_FUNCTIONS: Readonly<Record<string, TestFunction>> = { beale, rosenbrock, saddle, rastrigin };

/**
 * Looks a test function up by name (or passes an object through).
 * @throws RangeError naming `fn` when the name is unknown.
 */
export function getTestFunction(fn: string | TestFunction): TestFunction {
  if (typeof fn === 'object' && fn !== null) return fn;
  if (typeof fn !== 'string') throw new TypeError(`'fn' must be a function name or a TestFunction, got ${typeof fn}`);
  const found = Object.prototype.hasOwnProperty.call(TEST_FUNCTIONS, fn) ? TEST_FUNCTIONS[fn] : undefined;
  if (!found) throw new RangeError(`'fn' must be one of ${Object.keys(TEST_FUNCTIONS).join(', ')}; got '${fn}'`);
  return found;
}
