/**
 * Animated GIFs of optimizer races with gifenc: the static plot is rendered
 * once, each frame adds the paths up to one more step; frames after the first
 * store only the pixels that changed (the rest is transparent), which keeps
 * the files small.
 * @packageDocumentation
 */
import type { RacePath } from './race';
import { svgToPng, svgToRgba } from './raster';
import { el, svgDocument } from './svg';
import { surfaceLayers, type ContourPlotOptions } from './surface';
import { checkInteger } from './validate';

/** The slice of the gifenc module used here (it ships no type declarations). */
interface Gifenc {
  GIFEncoder(): {
    writeFrame(index: Uint8Array, width: number, height: number, opts: Record<string, unknown>): void;
    finish(): void;
    bytes(): Uint8Array;
  };
  quantize(rgba: Uint8Array, maxColors: number, opts?: Record<string, unknown>): number[][];
  applyPalette(rgba: Uint8Array, palette: number[][], format?: string): Uint8Array;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gifenc = require('gifenc') as Gifenc;

/** Options of {@link renderRaceGif}: those of a contour plot plus timing. */
export interface RaceGifOptions extends ContourPlotOptions {
  /** The paths to animate. */
  paths: RacePath[];
  /** Number of frames, 2 to 1000 (default: min(steps + 1, 60)). Frames sample the steps evenly. */
  frames?: number;
  /** Milliseconds per frame, 10 to 10000 (default 80). */
  delay?: number;
  /** Milliseconds the last frame stays (default 2000). */
  hold?: number;
}

/** The step shown by each frame: evenly spaced from 0 to `steps`, without repeats. */
export function frameSteps(steps: number, frames: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < frames; k++) {
    const s = Math.round((k * steps) / (frames - 1));
    if (out[out.length - 1] !== s) out.push(s);
  }
  return out;
}

/**
 * Renders the race as an animated GIF (loops forever) and returns its bytes.
 *
 * @example
 * ```ts
 * const race = runOptimizerRace({ fn: 'saddle', steps: 120 });
 * fs.writeFileSync('saddle.gif', renderRaceGif({ fn: 'saddle', paths: race.paths }));
 * ```
 */
/**
 * The most pixels (width x height x frames) one GIF may cost. The encoder
 * keeps every frame's compressed data and renders each frame in full, so
 * memory and time grow with this product; the default 640 px x 60 frames is
 * ~2e7, 4000 px x 60 frames ~7e8. Beyond the cap a clear RangeError beats running out of memory.
 */
export const MAX_GIF_PIXELS = 1e9;

/** RangeError unless a width x height x frames GIF stays under {@link MAX_GIF_PIXELS}. */
export function checkGifCost(width: number, height: number, frames: number): void {
  const cost = width * height * frames;
  if (cost > MAX_GIF_PIXELS) {
    throw new RangeError(
      `a GIF of ${frames} frames at ${width}x${height} px would cost ${(cost / 1e6).toFixed(0)} M pixels (limit ${MAX_GIF_PIXELS / 1e6} M): lower 'size' or 'frames'`,
    );
  }
}

export function renderRaceGif(options: RaceGifOptions): Uint8Array {
  if (!Array.isArray(options.paths) || options.paths.length === 0) throw new TypeError(`'paths' must be a non-empty array of race paths`);
  const steps = Math.max(...options.paths.map((p) => p.points.length - 1));
  const frames = checkInteger('frames', options.frames ?? Math.min(steps + 1, 60), 2, 1000);
  const delay = checkInteger('delay', options.delay ?? 80, 10, 10000);
  const hold = checkInteger('hold', options.hold ?? 2000, 10, 60000);
  // Before any drawing: the picture is at most as tall as it is wide.
  const size = options.size ?? 640;
  if (typeof size === 'number') checkGifCost(size, size, frames);
  const layers = surfaceLayers(options);
  const { width, height } = layers.layout;
  const basePng = svgToPng(svgDocument(width, height, layers.base));
  const baseImage = el('image', { x: 0, y: 0, width, height, 'xlink:href': `data:image/png;base64,${basePng.toString('base64')}` });
  const render = (step: number) => svgToRgba(svgDocument(width, height, [baseImage, ...layers.overlay(step)])).data;

  const schedule = frameSteps(steps, frames);
  // One palette for every frame, from the last frame (it holds every colour);
  // index 255 is kept free as the transparent colour.
  const palette = gifenc.quantize(render(steps), 255);
  while (palette.length < 256) palette.push([255, 0, 255]);
  const transparentIndex = 255;
  const gif = gifenc.GIFEncoder();
  let previous: Uint8Array | null = null;
  schedule.forEach((step, k) => {
    const index = gifenc.applyPalette(render(step), palette);
    const frameDelay = k === schedule.length - 1 ? hold : delay;
    if (previous === null) {
      gif.writeFrame(index, width, height, { palette, delay: frameDelay, repeat: 0, dispose: 1 });
    } else {
      const diff = new Uint8Array(index.length);
      for (let i = 0; i < index.length; i++) diff[i] = index[i] === previous[i] ? transparentIndex : index[i];
      gif.writeFrame(diff, width, height, { delay: frameDelay, transparent: true, transparentIndex, dispose: 1 });
    }
    previous = index;
  });
  gif.finish();
  return gif.bytes();
}
