/**
 * Crash-safe file replacement: write a temporary file in the same folder,
 * fsync it, rename it over the target, fsync the folder. A crash at any
 * point leaves either the old file or the complete new one, never a mix.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `bytes` to `file` atomically (see the module docs). */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const handle = await fs.promises.open(tmp, 'wx', 0o644);
  try {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  // Persist the rename itself (best effort: not every platform can open a folder).
  try {
    const d = await fs.promises.open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    /* ignore */
  }
}
