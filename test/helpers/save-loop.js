// Child process for the crash-safety test: saves a model to argv[2] in an
// endless loop, alternating two weight sets, and says "ready" after the first save.
'use strict';
const { Dense, Sequential } = require('simdtrain');

const file = process.argv[2];
const model = new Sequential([new Dense(64, 512, { activation: 'relu' }), new Dense(512, 10)], { seed: 1 });
(async () => {
  for (let i = 0; ; i++) {
    model.paramArena.fill(i % 2 ? 1 : 2);
    await model.save(file);
    if (i === 0) process.stdout.write('ready\n');
  }
})();
