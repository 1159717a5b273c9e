/**
 * Writes the figures of one race: contour plot as SVG and PNG, and the
 * animated GIF; plus a plain-text summary table of where each racer ended.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderRaceGif } from './gif';
import { ensureWritableDir } from './output';
import type { RaceResult } from './race';
import { svgToPng } from './raster';
import { renderContourPlot } from './surface';

/** The figure formats a race can be written as. */
export type FigureFormat = 'svg' | 'png' | 'gif';

/** Options of {@link writeRaceFigures}. */
export interface RaceFigureOptions {
  /** Directory to write into (created when missing). */
  outDir: string;
  /** File name stem (default: the function's name). */
  name?: string;
  /** Image width in px (default 640). */
  size?: number;
  /** GIF frames (default: min(steps + 1, 60)). */
  frames?: number;
  /** Formats to write (default all three). */
  formats?: FigureFormat[];
}

const FORMATS: readonly FigureFormat[] = ['svg', 'png', 'gif'];

/** Checks a list of format names. @throws RangeError naming `option`. */
export function checkFormats(formats: readonly string[], option = 'formats'): FigureFormat[] {
  if (!Array.isArray(formats) || formats.length === 0) throw new TypeError(`'${option}' must be a non-empty array of svg, png, gif`);
  for (const f of formats) if (!FORMATS.includes(f as FigureFormat)) throw new RangeError(`'${option}' must hold only svg, png, gif; got ${JSON.stringify(f)}`);
  return formats as FigureFormat[];
}

/**
 * Renders and writes the race's figures; returns the paths written.
 * @throws Error naming `outDir` when the directory cannot be written.
 */
export function writeRaceFigures(race: RaceResult, options: RaceFigureOptions): string[] {
  const formats = checkFormats(options.formats ?? [...FORMATS]);
  const dir = ensureWritableDir(options.outDir, 'outDir');
  const stem = options.name ?? race.fn.name;
  const written: string[] = [];
  const plotOptions = { fn: race.fn, paths: race.paths, size: options.size, start: race.start };
  if (formats.includes('svg') || formats.includes('png')) {
    const { svg } = renderContourPlot(plotOptions);
    if (formats.includes('svg')) written.push(write(dir, `${stem}.svg`, svg));
    if (formats.includes('png')) written.push(write(dir, `${stem}.png`, svgToPng(svg)));
  }
  if (formats.includes('gif')) written.push(write(dir, `${stem}.gif`, renderRaceGif({ ...plotOptions, frames: options.frames })));
  return written;
}

function write(dir: string, name: string, data: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

/** A text table: one row per racer with its final point and distance to the minimum (or f). */
export function raceSummary(race: RaceResult): string {
  const rows = race.paths.map((p) => {
    const [x, y] = p.points[p.points.length - 1];
    const where = p.diverged ? `diverged after ${p.points.length - 1} steps` : `(${x.toFixed(4)}, ${y.toFixed(4)})`;
    const score = p.distanceToMinimum !== null ? `dist ${p.distanceToMinimum.toPrecision(3)}` : `f ${p.values[p.values.length - 1].toPrecision(3)}`;
    return `  ${p.label.padEnd(28)} ${where.padEnd(24)} ${p.diverged ? '' : score}`;
  });
  const min = race.fn.minimum ? `, minimum (${race.fn.minimum.join(', ')})` : '';
  return `${race.fn.name}: ${race.steps} steps from (${race.start.join(', ')})${min}\n${rows.join('\n')}`;
}
