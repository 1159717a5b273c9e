#!/usr/bin/env node
// Generates the README / docs pictures into docs/media/ from the built
// package (run `npm run build` first):
//   node scripts/make-figures.js            races (PNG + GIF), step-size charts, numbers
//   node scripts/make-figures.js --compare  also the optimizer comparison on MNIST (slower)
// Writes docs/media/figures.json with the numbers quoted in docs/visualization.md.
'use strict';
const fs = require('fs');
const path = require('path');
const st = require('..');

const out = path.join(__dirname, '..', 'docs', 'media');
const withCompare = process.argv.includes('--compare');
fs.mkdirSync(out, { recursive: true });
const numbers = { generated: 'scripts/make-figures.js', races: {} };

/** Distance to the minimum (or |y| for the saddle) after `k` steps. */
const score = (fn, p, k) => {
  const [x, y] = p.points[Math.min(k, p.points.length - 1)];
  return fn.minimum ? Math.hypot(x - fn.minimum[0], y - fn.minimum[1]) : Math.abs(y);
};

for (const name of Object.keys(st.TEST_FUNCTIONS)) {
  const race = st.runOptimizerRace({ fn: name });
  const files = st.writeRaceFigures(race, { outDir: out, name: `race-${name}`, formats: ['png', 'gif'] });
  const checkpoints = [10, Math.round(race.steps / 4), Math.round(race.steps / 2), race.steps];
  numbers.races[name] = {
    steps: race.steps,
    start: race.start,
    minimum: race.fn.minimum,
    measure: race.fn.minimum ? 'distance to the minimum' : '|y| (distance from the ridge y = 0)',
    checkpoints,
    optimizers: race.paths.map((p) => ({
      label: p.label,
      diverged: p.diverged,
      final: p.points[p.points.length - 1].map((v) => Number(v.toPrecision(6))),
      f: Number(p.values[p.values.length - 1].toPrecision(4)),
      atCheckpoints: checkpoints.map((k) => Number(score(race.fn, p, k).toPrecision(4))),
      // Length of step k, to show AdaGrad's shrinking steps and momentum's overshoot.
      stepLength: checkpoints.map((k) => {
        const a = p.points[Math.min(k - 1, p.points.length - 2)];
        const b = p.points[Math.min(k, p.points.length - 1)];
        return Number(Math.hypot(b[0] - a[0], b[1] - a[1]).toPrecision(3));
      }),
    })),
  };
  console.log(st.raceSummary(race));
  console.log(`  -> ${files.map((f) => `${path.relative(process.cwd(), f)} (${(fs.statSync(f).size / 1024).toFixed(0)} KiB)`).join(', ')}\n`);

  // Companion chart: how far each optimizer is from the goal, and how long its steps are, per step.
  const series = (f) => race.paths.map((p, i) => ({ label: p.label, color: p.color ?? st.seriesColor(i), y: p.points.slice(1).map((_, k) => f(p, k + 1)) }));
  const chart = st.renderChart({
    title: `${race.fn.title.split(' ')[0]}: ${race.fn.minimum ? 'distance to the minimum' : 'escape from the saddle'} and step length`,
    width: 1000,
    height: 430,
    markers: false,
    panels: [
      { title: race.fn.minimum ? 'distance to minimum' : '|y| (distance from the ridge)', xLabel: 'step', yLabel: race.fn.minimum ? 'distance' : '|y|', yScale: 'log', series: series((p, k) => score(race.fn, p, k)) },
      {
        title: 'step length ‖x(k) − x(k−1)‖',
        xLabel: 'step',
        yLabel: 'length',
        yScale: 'log',
        series: series((p, k) => {
          if (k >= p.points.length) return NaN;
          return Math.hypot(p.points[k][0] - p.points[k - 1][0], p.points[k][1] - p.points[k - 1][1]);
        }),
      },
    ],
  });
  fs.writeFileSync(path.join(out, `steps-${name}.png`), st.svgToPng(chart.svg));
}

if (withCompare) {
  const { runComparison } = st;
  const result = runComparison({ samples: 2000, epochs: 8 });
  fs.writeFileSync(path.join(out, 'compare-mnist.png'), st.svgToPng(st.comparisonChart(result.runs, { title: result.title }).svg));
  numbers.compare = result.runs.map((r) => ({ label: r.label, loss: r.history.loss.at(-1), valAccuracy: r.history.valAccuracy?.at(-1) }));
}

fs.writeFileSync(path.join(out, 'figures.json'), JSON.stringify(numbers, null, 1) + '\n');
console.log(`wrote ${path.relative(process.cwd(), path.join(out, 'figures.json'))}`);
