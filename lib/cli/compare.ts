/**
 * `simdtrain compare`: trains the same small MLP on an MNIST subset with
 * several optimizers (the article's six by default) and draws their loss and
 * validation-accuracy curves on one chart.
 */
import { parseArgs } from 'node:util';
import { loadMnist } from '../data/mnist';
import { Dense } from '../nn/layers/dense';
import { Sequential } from '../nn/sequential';
import { optimizerByName, OPTIMIZERS_BY_NAME } from '../optim/by_name';
import { comparisonChart, type LabelledHistory } from '../viz/history';
import { writeFigure } from '../viz/output';
import { checkOutputFile, intOption } from './options';

const HELP = `usage: simdtrain compare [options]

Trains a 784-64-10 MLP on the first --limit MNIST training images with each
optimizer (same seed, same batches) and plots loss and validation accuracy.

options:
  --optimizers <list>  comma-separated, from: ${Object.keys(OPTIMIZERS_BY_NAME).join(', ')}
                       (default sgd,momentum,nesterov,adagrad,rmsprop,adam)
  --limit <n>          training images (default 3000; 20% held out for validation);
                       --samples is accepted as its old name
  --epochs <n>         epochs (default 5)
  --batch-size <n>     default 64
  --seed <n>           default 1
  --out <file>         .png or .svg (default compare.png)
  --data-dir <dir>     folder with the MNIST IDX files
  -h, --help           this text`;

/** Runs the command with its argv. */
export async function runCompare(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      optimizers: { type: 'string', default: 'sgd,momentum,nesterov,adagrad,rmsprop,adam' },
      limit: { type: 'string' },
      samples: { type: 'string' }, // the old name of --limit
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', default: 'compare.png' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const names = values.optimizers.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!OPTIMIZERS_BY_NAME[n.toLowerCase()]) throw new RangeError(`--optimizers: unknown optimizer '${n}'`);
  if (!/\.(png|svg)$/i.test(values.out)) throw new RangeError(`--out must end in .png or .svg (got '${values.out}')`);
  if (values.limit !== undefined && values.samples !== undefined) throw new RangeError('give --limit or its old name --samples, not both');
  const samples = values.samples !== undefined ? intOption(values.samples, 'samples', 3000) : intOption(values.limit, 'limit', 3000);
  const epochs = intOption(values.epochs, 'epochs', 5);
  const batchSize = intOption(values['batch-size'], 'batch-size', 64);
  const seed = intOption(values.seed, 'seed', 1, 0);
  checkOutputFile(values.out, 'out');
  const train = loadMnist('train', { limit: samples, dataDir: values['data-dir'] });

  const runs: LabelledHistory[] = [];
  for (const name of names) {
    const model = new Sequential([new Dense(784, 64, { activation: 'relu' }), new Dense(64, 10)], { seed });
    const history = await model.fit(train.images, train.labels, {
      optimizer: optimizerByName(name, model.parameters()),
      epochs,
      batchSize,
      seed,
      validationSplit: 0.2,
      metrics: ['accuracy'],
    });
    const last = history.valAccuracy?.[history.valAccuracy.length - 1];
    console.log(`${name.padEnd(10)} loss ${history.loss[history.loss.length - 1].toFixed(4)}  val acc ${last === undefined ? 'n/a' : (100 * last).toFixed(2) + '%'}`);
    runs.push({ label: name, history });
  }
  const chart = comparisonChart(runs, { title: `MNIST (${samples} images): optimizers compared` });
  writeFigure(values.out, chart.svg);
  console.log(`wrote ${values.out}`);
}
