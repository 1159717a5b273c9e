/**
 * Pictures: optimizer races on 2-D test functions (contour plots, animated
 * GIFs) and training curves. Everything here is re-exported from the
 * package root.
 * @packageDocumentation
 */
export { beale, rosenbrock, saddle, rastrigin, TEST_FUNCTIONS, getTestFunction } from './testFunctions';
export type { Point, TestFunction } from './testFunctions';
export { runRace } from './race';
export type { RaceOptions, RaceResult, RacePath, RaceOptimizer, RaceParam, StepOptimizer } from './race';
export { resolveRacers, parseOptimizerSpec, OPTIMIZER_NAMES, DEFAULT_OPTIMIZERS, DEFAULT_LR, DEFAULT_STEPS } from './racers';
export type { OptimizerSpec, OptimizerClasses, OptimizerClass } from './racers';
export { sampleGrid, contourLevels, contourLines } from './contour';
export type { Grid } from './contour';
export { linearScale, logScale, niceLinearTicks } from './scale';
export type { Scale } from './scale';
export { renderContourPlot } from './surface';
export type { ContourPlot, ContourPlotOptions, SurfaceLayout } from './surface';
export { renderRaceGif, frameSteps } from './gif';
export type { RaceGifOptions } from './gif';
export { renderChart } from './chart';
export type { Chart, ChartOptions, Panel, PanelLayout, Series } from './chart';
export { plotHistory, historyChart, comparisonChart } from './history';
export type { HistoryLike, HistoryPlotOptions, LabelledHistory } from './history';
export { svgToPng, svgToRgba } from './raster';
export type { RgbaImage } from './raster';
export { writeRaceFigures, raceSummary } from './figures';
export type { RaceFigureOptions, FigureFormat } from './figures';
export { SERIES_COLORS, seriesColor } from './palette';
export { runOptimizerRace, SIMDTRAIN_OPTIMIZERS } from './optimizers';
export type { OptimizerRaceOptions } from './optimizers';
