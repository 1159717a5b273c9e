// The models whose checkpoints are checked against torch.nn equivalents
// (scripts/check-torch-load.js with Debian's torch; test/54.io.torch-names
// with the committed fixture test/fixtures/torch-state-dicts.json). Both
// call build() first in a fresh process, so auto-generated layer names
// (conv2d_3, batch_norm_5 ...) are the same in both.
'use strict';

/**
 * @param st the simdtrain module (require('simdtrain') or the test's import)
 * @returns [{ name, model, input(rows) }] in a fixed order
 */
function build(st) {
  const { Activation, add, BatchNorm, Conv2D, Dense, Embedding, Flatten, GlobalAveragePooling2D, Input, LayerNorm, Model, Sequential } = st;
  const resnet = st.resnet20(10, 7); // first: its auto-named layers start the counters
  const mnist = new Sequential(st.mnistConvnet(), { seed: 3 });
  const x = Input([4, 6, 6]);
  const c1 = new Conv2D(4, 3, { padding: 1, useBias: false, name: 'conv1' }).apply(x);
  const h = new Activation('relu').apply(new BatchNorm({ name: 'bn1' }).apply(c1));
  const c2 = new BatchNorm({ name: 'bn2', momentum: 0.3 }).apply(new Conv2D(4, 3, { padding: 'same', useBias: false, name: 'conv2' }).apply(h));
  const y = new Activation('relu').apply(add([c2, x]));
  const block = new Model({ inputs: x, outputs: new Dense(3, { name: 'head' }).apply(new GlobalAveragePooling2D().apply(y)) }, { seed: 5 });
  const seq = new Sequential(
    [new Embedding(10, 6, { inputLength: 5 }), new LayerNorm(), new Flatten(), new Dense(8), new BatchNorm(), new Activation('relu'), new Dense(3)],
    { seed: 9 },
  );
  const mlp = new Sequential(
    [
      new Dense(6, 8, { activation: 'relu', biasInitializer: 'randomUniform' }),
      new Dense(8, 8, { activation: 'gelu', biasInitializer: 'randomUniform' }),
      new Dense(8, 7, { activation: 'leakyRelu', alpha: 0.2 }),
      new Dense(7, 6, { activation: 'tanh' }),
      new Dense(6, 5, { activation: 'sigmoid', useBias: false }),
      new Dense(5, 4),
      new Dense(4, 3, { activation: 'softmax', biasInitializer: 'randomUniform' }),
    ],
    { seed: 42 },
  );
  const floats = (shape) => (rows) => {
    const n = rows * shape.reduce((a, b) => a * b, 1);
    return { rows, cols: n / rows, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + 0.5) * 1.5) };
  };
  const ids = (rows) => ({ rows, cols: 5, data: Int32Array.from({ length: rows * 5 }, (_, i) => (i * 7 + 3) % 10) });
  return [
    { name: 'resnet20', model: resnet, input: floats([3, 32, 32]) },
    { name: 'mnist_convnet', model: mnist, input: floats([1, 28, 28]) },
    { name: 'residual_block', model: block, input: floats([4, 6, 6]) },
    { name: 'embedding_layernorm_batchnorm1d', model: seq, input: ids },
    { name: 'mlp_activations', model: mlp, input: floats([6]) },
  ];
}

module.exports = { build };
