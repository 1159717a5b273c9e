// Run a block once per ISA this machine supports, restoring the default after.
import { cpuInfo, setIsa, type IsaName } from 'simdtrain';

export const supportedIsas: IsaName[] = cpuInfo().supported;
export const bestIsa: IsaName = cpuInfo().best;

/** Calls `fn` with each supported ISA forced, then restores the best one. */
export function withEachIsa(fn: (isa: IsaName) => void): void {
  try {
    for (const isa of supportedIsas) {
      setIsa(isa);
      fn(isa);
    }
  } finally {
    setIsa(bestIsa);
  }
}
