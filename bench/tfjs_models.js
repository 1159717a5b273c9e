// The two tfjs-layers models of the tfjs benchmarks (bench/tfjs.bench.js,
// bench/tfjs_profile.js).
'use strict';

function mlp(tf) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

// tfjs-examples/mnist-node/model.js (same layers and hyper-parameters).
function cnn(tf) {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.dense({ units: 512, activation: 'relu' }));
  m.add(tf.layers.dropout({ rate: 0.5 }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

module.exports = { mlp, cnn };
