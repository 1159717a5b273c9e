#!/usr/bin/env node
// Writes a small trained-ish simdtrain model with every activation, an input
// batch and its predictions, then runs scripts/check-torch-load.py on them
// (needs /usr/bin/python3 with torch). Not part of the test suite.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Dense, Sequential } = require('..');

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-torch-'));
  const model = new Sequential(
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
  const x = { rows: 16, cols: 6, data: Float32Array.from({ length: 96 }, (_, i) => Math.sin(i * 1.7) * 2) };
  const file = path.join(dir, 'model.safetensors');
  await model.save(file, { epoch: 3 });
  fs.writeFileSync(path.join(dir, 'x.f32'), Buffer.from(x.data.buffer));
  fs.writeFileSync(path.join(dir, 'y.f32'), Buffer.from(model.predict(x).data.buffer));
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'check-torch-load.py'), file, path.join(dir, 'x.f32'), path.join(dir, 'y.f32')], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(r.status ?? 1);
})();
