// Runs a probe in its own Node process, so a crash (signal, abort) fails one
// test instead of killing the test runner.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const repoRoot = path.join(__dirname, '..', '..');

/** Runs a probe file (test/hostile/<name>.js) or inline code with `node`. */
export function runProbe(
  fileOrCode: { file: string } | { code: string },
  args: string[] = [],
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): ChildResult {
  const argv = 'file' in fileOrCode ? [path.join(repoRoot, 'test', 'hostile', fileOrCode.file), ...args] : ['-e', fileOrCode.code, ...args];
  const r = spawnSync(process.execPath, argv, { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A readable summary for assertion messages. */
export function describeExit(r: ChildResult): string {
  return `exit ${r.status} signal ${r.signal}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}
