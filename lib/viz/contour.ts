/**
 * Contour lines by marching squares over a sampled grid, joined into
 * polylines, and the choice of contour levels (linear or log-spaced).
 * @packageDocumentation
 */
import type { Point } from './testFunctions';

/** A function sampled on a regular grid of (nx + 1) × (ny + 1) points. */
export interface Grid {
  /** Number of cells along x. */
  readonly nx: number;
  /** Number of cells along y. */
  readonly ny: number;
  /** x range covered. */
  readonly x: Point;
  /** y range covered. */
  readonly y: Point;
  /** Row-major values: `values[j * (nx + 1) + i]` is f at column i, row j (row 0 = lowest y). */
  readonly values: Float64Array;
}

/** Samples `f` on an nx × ny cell grid over the given ranges. */
export function sampleGrid(f: (x: number, y: number) => number, x: Point, y: Point, nx: number, ny: number): Grid {
  const values = new Float64Array((nx + 1) * (ny + 1));
  for (let j = 0; j <= ny; j++) {
    const yy = y[0] + ((y[1] - y[0]) * j) / ny;
    for (let i = 0; i <= nx; i++) values[j * (nx + 1) + i] = f(x[0] + ((x[1] - x[0]) * i) / nx, yy);
  }
  return { nx, ny, x, y, values };
}

/**
 * `count` contour levels strictly inside the grid's value range: evenly
 * spaced, or log-spaced from max(min, max·1e-6) to the maximum when `log`.
 */
export function contourLevels(grid: Grid, count: number, log: boolean): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of grid.values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return [];
  const levels: number[] = [];
  if (log && hi > 0) {
    const a = Math.log(Math.max(lo, hi * 1e-6, Number.MIN_VALUE));
    const b = Math.log(hi);
    for (let k = 0; k < count; k++) levels.push(Math.exp(a + ((b - a) * k) / count));
  } else {
    for (let k = 1; k <= count; k++) levels.push(lo + ((hi - lo) * k) / (count + 1));
  }
  return levels;
}

// Edge keys: horizontal edge from grid point (i, j) to (i+1, j) is 2·p, vertical
// edge from (i, j) to (i, j+1) is 2·p + 1, where p = j·(nx+1) + i.

/** Crossed-edge pairs per marching-squares case (edges: 0 bottom, 1 right, 2 top, 3 left). */
const CASES: ReadonlyArray<ReadonlyArray<readonly [number, number]>> = [
  [], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], [], [[0, 2]], [[3, 2]],
  [[2, 3]], [[0, 2]], [], [[1, 2]], [[1, 3]], [[0, 1]], [[3, 0]], [],
];

/** Saddle cells (cases 5 and 10): the pairing depends on the centre value. */
function saddlePairs(kase: number, centreHigh: boolean): ReadonlyArray<readonly [number, number]> {
  // Case 5: bottom-left and top-right corners high. Case 10: the other two.
  if (kase === 5) return centreHigh ? [[0, 1], [2, 3]] : [[3, 0], [1, 2]];
  return centreHigh ? [[3, 0], [1, 2]] : [[0, 1], [2, 3]];
}

/** Contour lines of `grid` at `level`, as polylines in data coordinates. */
export function contourLines(grid: Grid, level: number): Point[][] {
  const { nx, ny, values } = grid;
  const w = nx + 1;
  const points = new Map<number, Point>();
  const links = new Map<number, number[]>();
  const px = (i: number) => grid.x[0] + ((grid.x[1] - grid.x[0]) * i) / nx;
  const py = (j: number) => grid.y[0] + ((grid.y[1] - grid.y[0]) * j) / ny;
  const edgePoint = (i: number, j: number, edge: number): number => {
    // Returns the key, creating the interpolated point on first use.
    const [ai, aj, bi, bj, vertical] =
      edge === 0 ? [i, j, i + 1, j, 0] : edge === 1 ? [i + 1, j, i + 1, j + 1, 1] : edge === 2 ? [i, j + 1, i + 1, j + 1, 0] : [i, j, i, j + 1, 1];
    const key = 2 * (aj * w + ai) + vertical;
    if (!points.has(key)) {
      const va = values[aj * w + ai];
      const vb = values[bj * w + bi];
      const t = vb === va ? 0.5 : (level - va) / (vb - va);
      points.set(key, [px(ai) + t * (px(bi) - px(ai)), py(aj) + t * (py(bj) - py(aj))]);
    }
    return key;
  };
  const link = (a: number, b: number) => {
    (links.get(a) ?? links.set(a, []).get(a)!).push(b);
    (links.get(b) ?? links.set(b, []).get(b)!).push(a);
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v00 = values[j * w + i];
      const v10 = values[j * w + i + 1];
      const v11 = values[(j + 1) * w + i + 1];
      const v01 = values[(j + 1) * w + i];
      if (!(Number.isFinite(v00) && Number.isFinite(v10) && Number.isFinite(v11) && Number.isFinite(v01))) continue;
      const kase = (v00 >= level ? 1 : 0) | (v10 >= level ? 2 : 0) | (v11 >= level ? 4 : 0) | (v01 >= level ? 8 : 0);
      const pairs = kase === 5 || kase === 10 ? saddlePairs(kase, (v00 + v10 + v11 + v01) / 4 >= level) : CASES[kase];
      for (const [ea, eb] of pairs) link(edgePoint(i, j, ea), edgePoint(i, j, eb));
    }
  }
  return joinChains(points, links);
}

/** Walks the edge graph (every node has degree 1 or 2) into polylines: open chains first, then loops. */
function joinChains(points: Map<number, Point>, links: Map<number, number[]>): Point[][] {
  const used = new Set<number>();
  const lines: Point[][] = [];
  const walk = (start: number) => {
    const line: Point[] = [points.get(start)!];
    used.add(start);
    let prev = -1;
    let cur = start;
    for (;;) {
      const next = links.get(cur)!.find((n) => n !== prev && !used.has(n));
      if (next === undefined) {
        // Close a loop back to the start.
        if (links.get(cur)!.includes(start) && line.length > 2) line.push(points.get(start)!);
        break;
      }
      line.push(points.get(next)!);
      used.add(next);
      prev = cur;
      cur = next;
    }
    lines.push(line);
  };
  for (const [key, nbrs] of links) if (nbrs.length === 1 && !used.has(key)) walk(key);
  for (const key of links.keys()) if (!used.has(key)) walk(key);
  return lines;
}
