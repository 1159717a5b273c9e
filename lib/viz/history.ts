/**
 * Training curves: loss (log scale when it spans a wide range) and accuracy
 * per epoch from a training history, for one run or several side by side.
 * @packageDocumentation
 */
import { renderChart, type Chart, type Panel, type Series } from './chart';
import { writeFigure } from './output';

/** The per-epoch figures a plot needs from a training history. */
export interface HistoryLike {
  /** Training loss per epoch. */
  loss: ArrayLike<number>;
  /** Training accuracy per epoch (0 to 1), if measured. */
  accuracy?: ArrayLike<number>;
  /** Validation loss per epoch, if measured. */
  valLoss?: ArrayLike<number>;
  /** Validation accuracy per epoch, if measured. */
  valAccuracy?: ArrayLike<number>;
}

/** Options of {@link historyChart} and {@link plotHistory}. */
export interface HistoryPlotOptions {
  /** Title above the chart. */
  title?: string;
  /** Image width (default 960 with an accuracy panel, else 560). */
  width?: number;
  /** Image height (default 400). */
  height?: number;
  /** Loss axis scale (default `'auto'`: log when the loss spans over 20×). */
  lossScale?: 'linear' | 'log' | 'auto';
}

const has = (a: ArrayLike<number> | undefined): a is ArrayLike<number> => a !== undefined && a.length > 0;

function checkHistory(name: string, h: HistoryLike): void {
  if (typeof h !== 'object' || h === null || !has(h.loss)) throw new TypeError(`'${name}' must have a non-empty 'loss' array`);
}

/** Builds the chart of one history: loss panel, plus an accuracy panel when there is accuracy. */
export function historyChart(history: HistoryLike, options: HistoryPlotOptions = {}): Chart {
  checkHistory('history', history);
  const lossSeries: Series[] = [{ label: 'train', y: history.loss, color: '#0072B2' }];
  if (has(history.valLoss)) lossSeries.push({ label: 'validation', y: history.valLoss, color: '#D55E00', dashed: true });
  const panels: Panel[] = [{ title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: lossSeries, yScale: options.lossScale ?? 'auto' }];
  const accSeries: Series[] = [];
  if (has(history.accuracy)) accSeries.push({ label: 'train', y: history.accuracy, color: '#0072B2' });
  if (has(history.valAccuracy)) accSeries.push({ label: 'validation', y: history.valAccuracy, color: '#D55E00', dashed: true });
  if (accSeries.length) panels.push({ title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy', series: accSeries, yScale: 'linear' });
  return renderChart({ panels, title: options.title, width: options.width ?? (panels.length > 1 ? 960 : 560), height: options.height });
}

/**
 * Draws the loss (and accuracy) curves of a training history and writes
 * them to `file` (`.png` or `.svg`).
 *
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 10 });
 * plotHistory(history, 'curves.png');
 * ```
 */
export function plotHistory(history: HistoryLike, file: string, options: HistoryPlotOptions = {}): Chart {
  const chart = historyChart(history, options);
  writeFigure(file, chart.svg);
  return chart;
}

/** One labelled run for {@link comparisonChart}. */
export interface LabelledHistory {
  /** Legend label (e.g. the optimizer). */
  label: string;
  /** Its history. */
  history: HistoryLike;
  /** Colour `#rrggbb` (default: the palette in order). */
  color?: string;
}

/**
 * One chart comparing several runs: loss of each (validation loss dashed when
 * present) and accuracy (validation accuracy when present, else training).
 */
export function comparisonChart(runs: LabelledHistory[], options: HistoryPlotOptions = {}): Chart {
  if (!Array.isArray(runs) || runs.length === 0) throw new TypeError(`'runs' must be a non-empty array`);
  runs.forEach((r, i) => checkHistory(`runs[${i}].history`, r.history));
  const loss: Series[] = runs.map((r) => ({ label: r.label, y: r.history.loss, color: r.color }));
  const useVal = runs.every((r) => has(r.history.valAccuracy));
  const acc: Series[] = runs
    .filter((r) => has(useVal ? r.history.valAccuracy : r.history.accuracy))
    .map((r) => ({ label: r.label, y: (useVal ? r.history.valAccuracy : r.history.accuracy) as ArrayLike<number>, color: r.color }));
  const panels: Panel[] = [{ title: 'Training loss', xLabel: 'epoch', yLabel: 'loss', series: loss, yScale: options.lossScale ?? 'auto' }];
  if (acc.length) panels.push({ title: useVal ? 'Validation accuracy' : 'Training accuracy', xLabel: 'epoch', yLabel: 'accuracy', series: acc, yScale: 'linear' });
  return renderChart({ panels, title: options.title, width: options.width ?? (panels.length > 1 ? 960 : 560), height: options.height });
}
