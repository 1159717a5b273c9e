// A minimal GIF block walker for tests: reads the header, the logical screen
// and counts the image descriptors (frames). It decodes no pixels.

/** What {@link walkGif} finds in a GIF file. */
export interface GifInfo {
  signature: string;
  width: number;
  height: number;
  frames: number;
  /** Delay of each frame in ms (from its graphic control extension). */
  delays: number[];
  /** Width and height of each frame's image descriptor. */
  frameSizes: Array<[number, number]>;
  /** True when the stream ends with the 0x3B trailer exactly at the end. */
  trailerAtEnd: boolean;
}

/** Walks the block structure of a GIF; throws on anything malformed. */
export function walkGif(bytes: Uint8Array): GifInfo {
  const u16 = (o: number) => bytes[o] | (bytes[o + 1] << 8);
  const signature = String.fromCharCode(...bytes.subarray(0, 6));
  const width = u16(6);
  const height = u16(8);
  const packed = bytes[10];
  let p = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const skipSubBlocks = () => {
    while (bytes[p] !== 0) {
      if (p >= bytes.length) throw new Error('GIF: sub-blocks run past the end');
      p += bytes[p] + 1;
    }
    p += 1;
  };
  const delays: number[] = [];
  const frameSizes: Array<[number, number]> = [];
  let pendingDelay = 0;
  for (;;) {
    if (p >= bytes.length) throw new Error('GIF: no trailer');
    const b = bytes[p];
    if (b === 0x3b) break;
    if (b === 0x21) {
      if (bytes[p + 1] === 0xf9) pendingDelay = u16(p + 4) * 10;
      p += 2;
      skipSubBlocks();
    } else if (b === 0x2c) {
      frameSizes.push([u16(p + 5), u16(p + 7)]);
      const lp = bytes[p + 9];
      p += 10 + (lp & 0x80 ? 3 * 2 ** ((lp & 7) + 1) : 0);
      p += 1; // LZW minimum code size
      skipSubBlocks();
      delays.push(pendingDelay);
      pendingDelay = 0;
    } else throw new Error(`GIF: unexpected block 0x${b.toString(16)} at ${p}`);
  }
  return { signature, width, height, frames: frameSizes.length, delays, frameSizes, trailerAtEnd: p === bytes.length - 1 };
}
