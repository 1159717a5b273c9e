/**
 * `simdtrain/distributed`: data-parallel training over MPI.
 *
 * Launch with `mpirun -np N node train.js`; every rank runs the same script:
 * `await init()`, then collectives (`allReduce`, `broadcast`, `barrier`) or
 * `fitDistributed(model, x, y, options)`, then `await finalize()`.
 * See docs/distributed.md.
 * @packageDocumentation
 */
export { init, isAvailable, rank, size, allReduce, broadcast, barrier, finalize, stats, DEFAULT_SPIN_US } from './collectives';
export type { InitOptions, CollectiveOptions, ReduceOp } from './collectives';
export type { CommStats } from './native';
export { fitDistributed, DEFAULT_BUCKET_BYTES, DEFAULT_OVERLAP } from './fit';
export type { DistributedFitOptions } from './fit';
