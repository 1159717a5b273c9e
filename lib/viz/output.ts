/**
 * Writing figures: picks PNG or SVG from the file extension and turns file
 * system failures into errors that name the option at fault.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { svgToPng } from './raster';

/**
 * Makes sure `dir` exists (creating it) and is writable.
 * @throws Error naming `option` when it cannot be created or written.
 */
export function ensureWritableDir(dir: string, option = 'outDir'): string {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`'${option}' must be a directory path`);
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK);
    // access() says yes to root everywhere; a real write settles it.
    const probe = path.join(abs, `.simdtrain-write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    throw new Error(`'${option}' directory ${abs} is not writable: ${(e as Error).message}`);
  }
  return abs;
}

/**
 * Writes an SVG document as `.svg`, or rendered as `.png`, by the extension of `file`.
 * @throws RangeError for another extension; Error naming the directory when it is not writable.
 */
export function writeFigure(file: string, svg: string): void {
  if (typeof file !== 'string') throw new TypeError(`'file' must be a path string`);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.png' && ext !== '.svg') throw new RangeError(`'file' must end in .png or .svg, got ${JSON.stringify(file)}`);
  ensureWritableDir(path.dirname(path.resolve(file)), 'file');
  fs.writeFileSync(file, ext === '.png' ? svgToPng(svg) : svg);
}
