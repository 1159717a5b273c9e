// PNG decoding helpers for tests (pngjs).
import { PNG } from 'pngjs';

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk (which must be the first chunk). */
export function ihdrSize(bytes: Uint8Array): { width: number; height: number; chunk: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { chunk: String.fromCharCode(...bytes.subarray(12, 16)), width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decodes a PNG into RGBA pixels. */
export function decodePng(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

/** The RGB of pixel (x, y), rounding x and y to the pixel that contains them. */
export function pixelAt(png: PNG, x: number, y: number): [number, number, number] {
  const o = (Math.floor(y) * png.width + Math.floor(x)) * 4;
  return [png.data[o], png.data[o + 1], png.data[o + 2]];
}

/** `#rrggbb` → [r, g, b]. */
export function hexRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Largest channel difference between two colours. */
export function colorDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}
