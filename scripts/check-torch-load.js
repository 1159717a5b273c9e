#!/usr/bin/env node
// Trains each model of scripts/torch-interop-models.js for two steps (so
// BatchNorm running statistics and num_batches_tracked move), saves it, writes
// an input batch and its evaluation-mode predictions, then runs
// scripts/check-torch-load.py on them: load_state_dict(strict=True) into the
// equivalent torch.nn module, torch's dtypes, same outputs. Needs
// /usr/bin/python3 with torch; not part of the test suite (CI has no torch).
//   node scripts/check-torch-load.js [--write-fixture]
// --write-fixture also writes test/fixtures/torch-state-dicts.json (torch's
// state_dict names, shapes and dtypes per model), which
// test/54.io.torch-names.test.ts checks our checkpoints against.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const st = require('..');
const { build } = require('./torch-interop-models');

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-torch-'));
  const fixture = {};
  let failed = 0;
  try {
    for (const { name, model, input } of build(st)) {
      const x = input(4);
      const y = Int32Array.from({ length: 4 }, (_, i) => i % model.outFeatures);
      await model.fit(x, y, { optimizer: new st.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), epochs: 1, batchSize: 2, shuffle: false });
      const file = path.join(dir, `${name}.safetensors`);
      await model.save(file);
      fs.writeFileSync(path.join(dir, `${name}.x`), Buffer.from(x.data.buffer));
      fs.writeFileSync(path.join(dir, `${name}.y`), Buffer.from(model.predict(x).data.buffer));
      const names = path.join(dir, `${name}.names.json`);
      console.log(`== ${name}`);
      const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'check-torch-load.py'), file, path.join(dir, `${name}.x`), path.join(dir, `${name}.y`), '--names', names], { stdio: 'inherit' });
      if (r.status !== 0) failed++;
      else fixture[name] = JSON.parse(fs.readFileSync(names, 'utf8'));
    }
    if (!failed && process.argv.includes('--write-fixture')) {
      const doc = { generator: 'node scripts/check-torch-load.js --write-fixture (Debian torch state_dict of the equivalent torch.nn modules)', models: fixture };
      fs.writeFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'torch-state-dicts.json'), JSON.stringify(doc, null, 1) + '\n');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
})();
