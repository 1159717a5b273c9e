/**
 * Option parsing shared by the CLI commands: integers and lists checked with
 * errors that name the option, and output paths checked before any work
 * starts (so a bad --save fails in a second, not after training).
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An integer >= `min` (default `fallback` when absent). */
export function intOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`--${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`} (got '${value}')`);
  }
  return n;
}

/** A comma-separated list of positive integers; an empty item ('256,,128') is an error. */
export function intListOption(value: string, name: string): number[] {
  return value.split(',').map((part) => {
    if (part.trim() === '') throw new RangeError(`--${name} must be comma-separated positive integers (empty item in '${value}')`);
    return intOption(part.trim(), name, 0);
  });
}

/**
 * Checks that `file` can be created or replaced: its folder exists, is a
 * folder and is writable, and `file` is not a folder itself.
 * @throws Error naming the option and the path.
 */
export function checkOutputFile(file: string, name: string): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const fail = (why: string): never => {
    throw new Error(`--${name} ${file}: ${why}`);
  };
  let dirStat: fs.Stats | undefined;
  try {
    dirStat = fs.statSync(dir);
  } catch (e) {
    const code = (e as { code?: string }).code;
    fail(code === 'ENOTDIR' ? `a part of '${dir}' is a file, not a folder` : `folder '${dir}' does not exist`);
  }
  if (!dirStat?.isDirectory()) fail(`'${dir}' is a file, not a folder`);
  const existing = fs.statSync(abs, { throwIfNoEntry: false });
  if (existing?.isDirectory()) fail('is a folder');
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    // access() says yes to root everywhere; a real write settles it.
    const probe = path.join(dir, `.simdtrain-write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    fail(`folder '${dir}' is not writable (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}
