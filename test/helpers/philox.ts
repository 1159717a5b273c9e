// An independent JS Philox4x32-10 (BigInt products) and the documented
// stream mapping, to check the native bits from the outside.

const M0 = 0xd2511f53n, M1 = 0xcd9e8d57n, W0 = 0x9e3779b9, W1 = 0xbb67ae85;

export function philox4x32_10(ctr: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = ctr.map((v) => v >>> 0);
  let [k0, k1] = key.map((v) => v >>> 0);
  for (let round = 0; round < 10; round++) {
    if (round) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const p0 = M0 * BigInt(c0), p1 = M1 * BigInt(c2);
    const hi0 = Number(p0 >> 32n), lo0 = Number(p0 & 0xffffffffn);
    const hi1 = Number(p1 >> 32n), lo1 = Number(p1 & 0xffffffffn);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

/** The 32 random bits of stream element j (see native/src/kernels/rng/rng_table.h). */
export function streamWord(seed: number, j: number): number {
  const group = Math.floor(j / 64), r = j % 64;
  const counter = group * 16 + (r % 16);
  const seedHi = Math.floor(seed / 2 ** 32), ctrHi = Math.floor(counter / 2 ** 32);
  return philox4x32_10([counter >>> 0, ctrHi, 0, 0], [seed >>> 0, seedHi])[Math.floor(r / 16)];
}
