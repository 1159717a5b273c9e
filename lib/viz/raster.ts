/**
 * SVG → pixels and PNG with @resvg/resvg-js. Text uses DejaVu Sans when its
 * file is found in the usual places (fast), else the system fonts.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import type { ResvgRenderOptions } from '@resvg/resvg-js';

/** An RGBA image: 4 bytes per pixel, rows top to bottom. */
export interface RgbaImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Pixels, RGBA, not premultiplied. */
  data: Uint8Array;
}

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/local/share/fonts/DejaVuSans.ttf',
  '/Library/Fonts/DejaVuSans.ttf',
];

let fontOptions: ResvgRenderOptions['font'] | undefined;

/** Font options for resvg, worked out once. */
function fonts(): ResvgRenderOptions['font'] {
  if (!fontOptions) {
    const file = FONT_CANDIDATES.find((f) => fs.existsSync(f));
    fontOptions = file
      ? { loadSystemFonts: false, fontFiles: [file, file.replace('DejaVuSans.ttf', 'DejaVuSans-Bold.ttf')].filter((f) => fs.existsSync(f)), defaultFontFamily: 'DejaVu Sans' }
      : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' };
  }
  return fontOptions;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

// Loaded on first use: resvg ships a native binary per platform, and
// `require('simdtrain')` must work where none was installed (pictures then
// fail with this message, everything else works).
function resvgModule(): ResvgModule {
  if (!resvg) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      resvg = require('@resvg/resvg-js') as ResvgModule;
    } catch (e) {
      throw new Error(`simdtrain: PNG output needs @resvg/resvg-js, which did not load on ${process.platform}-${process.arch} (${(e as Error).message.split('\n')[0]}); SVG output still works`);
    }
  }
  return resvg;
}

function render(svg: string) {
  return new (resvgModule().Resvg)(svg, { font: fonts(), fitTo: { mode: 'original' }, shapeRendering: 2, textRendering: 1 }).render();
}

/** Renders SVG text to a PNG file's bytes. */
export function svgToPng(svg: string): Buffer {
  return render(svg).asPng();
}

/** Renders SVG text to RGBA pixels. */
export function svgToRgba(svg: string): RgbaImage {
  const img = render(svg);
  return { width: img.width, height: img.height, data: new Uint8Array(img.pixels) };
}
