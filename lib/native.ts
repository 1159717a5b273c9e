/**
 * Loads the compiled addon and declares the shape of what it exports.
 *
 * The addon is found by node-gyp-build: first a prebuilt binary in
 * `prebuilds/<platform>-<arch>/` (N-API, so one binary serves every Node
 * version), then `build/Release/simdtrain.node` from a local compile
 * (`SIMDTRAIN_ADDON=/path/to/simdtrain.node` overrides both). Nothing
 * else lives here: the typed public API is in the modules that import this.
 * @packageDocumentation
 */
import * as path from 'node:path';

/** Functions of the native addon. Every one validates its arguments in C++. */
export interface NativeAddon {
  // cpu_binding.cc
  cpuInfo(): { arch: string; isa: string; best: string; supported: string[]; threads: number };
  setIsa(isa: string): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  // vector_binding.cc
  fill(out: Float32Array, value: number): void;
  scale(x: Float32Array, alpha: number): void;
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  dot(x: Float32Array, y: Float32Array): number;
  sum(x: Float32Array): number;
  sumOfSquares(x: Float32Array): number;
}

const packageRoot = path.join(__dirname, '..');

function loadAddon(): NativeAddon {
  // For sanitizer runs and debugging: load this exact binary instead.
  const override = process.env.SIMDTRAIN_ADDON;
  if (override) return require(path.resolve(override)) as NativeAddon;
  let loader: (dir: string) => unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loader = require('node-gyp-build');
  } catch (error) {
    throw new Error(`simdtrain: the dependency 'node-gyp-build' is missing (${(error as Error).message}). Reinstall with 'npm install simdtrain'.`);
  }
  try {
    return loader(packageRoot) as NativeAddon;
  } catch (error) {
    const message = (error as Error).message;
    // A bad SIMDTRAIN_ISA comes from the addon itself: pass it on unchanged.
    if (message.startsWith('simdtrain:')) throw error;
    throw new Error(
      [
        `simdtrain: could not load the native addon for ${process.platform}-${process.arch} (Node ${process.version}, N-API ${process.versions.napi}).`,
        `Tried: ${path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`)} (prebuilt) and ${path.join(packageRoot, 'build', 'Release')} (compiled).`,
        `Cause: ${message}`,
        'Fix: run `npm rebuild simdtrain` (needs python3, make and a C++17 compiler), or install on a platform that has a prebuild (linux-x64).',
      ].join('\n'),
    );
  }
}

/** The loaded addon (loaded once, when this module is first imported). */
export const native: NativeAddon = loadAddon();
