import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonChart, historyChart, plotHistory, svgToPng } from 'simdtrain';
import { colorDistance, decodePng, hexRgb, ihdrSize, pixelAt } from './helpers/png';

const history = {
  loss: [2, 1, 0.5, 0.1, 0.05],
  accuracy: [0.2, 0.5, 0.7, 0.9, 0.95],
  valLoss: [2.2, 1.5, 0.9, 0.6, 0.55],
  valAccuracy: [0.15, 0.45, 0.6, 0.8, 0.85],
};
const TRAIN = '#0072B2';
const VAL = '#D55E00';

describe('plotHistory', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-viz-'));

  it('puts every data point at its computed pixel, in its series colour', () => {
    const file = path.join(tmp, 'curves.png');
    const chart = plotHistory(history, file, { width: 900, height: 420 });
    const bytes = fs.readFileSync(file);
    expect(ihdrSize(bytes)).toMatchObject({ width: 900, height: 420 });
    const img = decodePng(bytes);
    const [lossPanel, accPanel] = chart.panels;
    // Loss spans 2 to 0.05 (40×): a log axis, rounded out to decades.
    expect(lossPanel.y.kind).toBe('log');
    expect([lossPanel.y.min, lossPanel.y.max].map((v) => Number(v.toPrecision(6)))).toEqual([0.01, 10]);
    expect(accPanel.y.kind).toBe('linear');
    const check = (panel: typeof lossPanel, values: number[], color: string) => {
      const { plot, x, y } = panel;
      values.forEach((v, i) => {
        // Pixel position computed here from the axis ranges, not by the chart.
        const fx = (i + 1 - x.min) / (x.max - x.min);
        const fy = y.kind === 'log' ? (Math.log10(v) - Math.log10(y.min)) / (Math.log10(y.max) - Math.log10(y.min)) : (v - y.min) / (y.max - y.min);
        const px = plot.left + fx * plot.width;
        const py = plot.top + (1 - fy) * plot.height;
        expect(colorDistance(pixelAt(img, px, py), hexRgb(color)), `${color} point ${i} at (${px.toFixed(1)}, ${py.toFixed(1)})`).toBeLessThan(24);
      });
    };
    check(lossPanel, history.loss, TRAIN);
    check(lossPanel, history.valLoss, VAL);
    check(accPanel, history.accuracy, TRAIN);
    check(accPanel, history.valAccuracy, VAL);
  });

  it('a point drawn at a wrong value would be caught: off-curve pixels are not the series colour', () => {
    const chart = historyChart({ loss: [1, 2, 3, 4] }, { width: 560, height: 400 });
    const img = decodePng(svgToPng(chart.svg));
    const { plot, x, y } = chart.panels[0];
    expect(y.kind).toBe('linear');
    const px = plot.left + ((2 - x.min) / (x.max - x.min)) * plot.width; // epoch 2 has loss 2
    const at = (v: number) => pixelAt(img, px, plot.top + (1 - (v - y.min) / (y.max - y.min)) * plot.height);
    expect(colorDistance(at(2), hexRgb(TRAIN))).toBeLessThan(24);
    expect(colorDistance(at(3), hexRgb(TRAIN))).toBeGreaterThan(100);
    expect(chart.panels).toHaveLength(1); // no accuracy, no accuracy panel
  });

  it('comparison charts give each run its own colour from the palette', () => {
    const runs = ['SGD', 'Adam'].map((label, k) => ({ label, history: { loss: [1 + k, 0.5 + k, 0.2 + k] } }));
    const chart = comparisonChart(runs, { width: 560 });
    const img = decodePng(svgToPng(chart.svg));
    const { plot, x, y } = chart.panels[0];
    const colors = ['#E69F00', '#0072B2'];
    runs.forEach((r, k) => {
      const px = plot.left + ((1 - x.min) / (x.max - x.min)) * plot.width;
      const py = plot.top + (1 - (r.history.loss[0] - y.min) / (y.max - y.min)) * plot.height;
      expect(colorDistance(pixelAt(img, px, py), hexRgb(colors[k]))).toBeLessThan(24);
    });
    expect(chart.svg).toContain('SGD');
    expect(chart.svg).toContain('Adam');
  });

  it('writes SVG by extension', () => {
    const file = path.join(tmp, 'curves.svg');
    plotHistory(history, file);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^<svg [^>]*width="960" height="400"/);
  });

  it('bad arguments throw errors naming them', () => {
    expect(() => plotHistory({ loss: [] }, path.join(tmp, 'x.png'))).toThrow(/'history' must have a non-empty 'loss'/);
    expect(() => plotHistory(history, path.join(tmp, 'x.jpg'))).toThrow(/'file' must end in .png or .svg/);
    const blocker = path.join(tmp, 'a-file');
    fs.writeFileSync(blocker, '');
    expect(() => plotHistory(history, path.join(blocker, 'sub', 'x.png'))).toThrow(/'file' directory .* is not writable/);
    expect(() => historyChart(history, { width: 100 })).toThrow(/'width'/);
    expect(() => comparisonChart([])).toThrow(/'runs'/);
  });
});
