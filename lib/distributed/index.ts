/**
 * `simdtrain/distributed`: data-parallel training over MPI.
 *
 * Launch with `mpirun -np N node train.js`; every rank runs the same script:
 * `await init()`, then collectives (`allReduce`, `broadcast`, `barrier`) or
 * `fitDistributed(model, x, y, options)`, then `await finalize()`.
 * See docs/distributed.md.
 * @packageDocumentation
 */
export { init, isAvailable, rank, size, allReduce, broadcast, barrier, finalize } from './collectives';
export type { InitOptions, CollectiveOptions, ReduceOp } from './collectives';
export { fitDistributed } from './fit';
export type { DistributedFitOptions } from './fit';
