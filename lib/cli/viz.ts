/**
 * `simdtrain viz`: races optimizers on 2-D test functions and writes a
 * contour plot (SVG, PNG) and an animated GIF per function.
 */
import { parseArgs } from 'node:util';
import { writeRaceFigures, raceSummary, checkFormats } from '../viz/figures';
import { ensureWritableDir } from '../viz/output';
import { runRace } from '../viz/race';
import { DEFAULT_OPTIMIZERS, DEFAULT_STEPS, OPTIMIZER_NAMES, resolveRacers, type OptimizerClasses } from '../viz/racers';
import { getTestFunction, TEST_FUNCTIONS, type Point } from '../viz/testFunctions';
import { checkInteger } from '../viz/validate';
import { checkGifCost } from '../viz/gif';

/** Help text of `simdtrain viz`. */
export const VIZ_USAGE = `usage: simdtrain viz [options]

Races optimizers on 2-D test functions; writes <fn>.svg, <fn>.png and <fn>.gif.

options:
  --fn NAMES          comma-separated: ${Object.keys(TEST_FUNCTIONS).join(', ')} or all (default all)
  --optimizers SPECS  comma-separated name[:key=value...], e.g. sgd,momentum:lr=0.002,adam:lr=0.05
                      names: ${OPTIMIZER_NAMES.join(', ')} (default ${DEFAULT_OPTIMIZERS.join(',')})
  --steps N           steps per optimizer (default per function: ${Object.entries(DEFAULT_STEPS).map(([k, v]) => `${k} ${v}`).join(', ')})
  --start X,Y         start point (default per function)
  --size PX           image width, 360 to 4000 (default 640)
  --frames N          GIF frames (default min(steps + 1, 60))
  --format LIST       comma-separated svg,png,gif (default all)
  --out DIR           output directory (default ./viz)`;

const list = (s: string) => s.split(',').map((t) => t.trim()).filter(Boolean);

/** Parses an integer CLI option, naming it on error. */
function intOption(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  return checkInteger(name, Number.isNaN(v) ? text : v, min, max);
}

/** Runs `simdtrain viz` with the given arguments, building racers from `classes`. */
export function runViz(args: string[], classes: OptimizerClasses): void {
  const { values } = parseArgs({
    args,
    options: {
      fn: { type: 'string' },
      optimizers: { type: 'string' },
      steps: { type: 'string' },
      start: { type: 'string' },
      size: { type: 'string' },
      frames: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(VIZ_USAGE);
    return;
  }
  const names = values.fn === undefined || values.fn === 'all' ? Object.keys(TEST_FUNCTIONS) : list(values.fn);
  const fns = names.map((n) => getTestFunction(n));
  const specs = values.optimizers === undefined ? [...DEFAULT_OPTIMIZERS] : list(values.optimizers);
  const steps = intOption('steps', values.steps, 1, 1e6);
  const size = intOption('size', values.size, 360, 4000);
  const frames = intOption('frames', values.frames, 2, 1000);
  const formats = checkFormats(values.format === undefined ? ['svg', 'png', 'gif'] : list(values.format), 'format');
  // Before any race runs (pictures are at most as tall as they are wide).
  if (formats.includes('gif')) checkGifCost(size ?? 640, size ?? 640, frames ?? 60);
  let start: Point | undefined;
  if (values.start !== undefined) {
    const parts = list(values.start).map(Number);
    if (parts.length !== 2 || !parts.every(Number.isFinite)) throw new RangeError(`'start' must be X,Y (two numbers), got ${JSON.stringify(values.start)}`);
    start = [parts[0], parts[1]];
  }
  const outDir = ensureWritableDir(values.out ?? 'viz', 'out');
  for (const fn of fns) {
    const race = runRace({ fn, optimizers: resolveRacers(specs, fn.name, classes), steps: steps ?? DEFAULT_STEPS[fn.name] ?? 300, start });
    const files = writeRaceFigures(race, { outDir, size, frames, formats });
    console.log(raceSummary(race));
    console.log(`  wrote ${files.join(', ')}\n`);
  }
}
