/**
 * The table of `simdtrain` subcommands: one file per command under lib/cli/,
 * loaded only when run. To add a command, add one entry here.
 * @packageDocumentation
 */

/** A subcommand: a one-line summary and its runner (argv after the name). */
export interface Command {
  summary: string;
  run(args: string[]): void | Promise<void>;
}

/** Every command, by name. */
export const commands: Record<string, Command> = {
  train: {
    summary: 'train a 784-256-128-10 MLP on MNIST and report test accuracy (default)',
    run: async (args) => (await import('./train')).runTrain(args),
  },
  viz: {
    summary: 'race optimizers on 2-D test functions: contour plots (SVG/PNG) and animated GIFs',
    run: async (args) => {
      const [{ runViz }, { SIMDTRAIN_OPTIMIZERS }] = await Promise.all([import('./viz'), import('../viz/optimizers')]);
      runViz(args, SIMDTRAIN_OPTIMIZERS);
    },
  },
  compare: {
    summary: 'train one small MLP with several optimizers on an MNIST subset and plot their curves',
    run: async (args) => (await import('./compare')).runCompare(args),
  },
  bench: {
    summary: 'measure bandwidth, sgemm by shape and thread count, Adam and an MLP epoch beside the peers found here',
    run: async (args) => (await import('./bench')).runBench(args),
  },
  info: {
    summary: 'print the CPU/ISA report and a native-vs-JS kernel comparison',
    run: async () => (await import('./info')).runInfo(),
  },
};

/** The command `npm start` (no arguments) runs. */
export const defaultCommand = 'train';
