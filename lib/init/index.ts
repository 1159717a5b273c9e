/**
 * Weight initializers: LeCun, Glorot (Xavier), He (Kaiming), variance
 * scaling, orthogonal, constants. See docs/initializers.md.
 * @packageDocumentation
 */
export type { Fans, InitOptions, Initializer, NormalInitOptions } from './common';
export { computeFans } from './common';
export { calculateGain } from './gain';
export type { Nonlinearity } from './gain';
export {
  varianceScaling, lecunUniform, lecunNormal, glorotUniform, glorotNormal, heUniform, heNormal,
  xavierUniform, xavierNormal, kaimingUniform, kaimingNormal,
} from './variance';
export type { FanMode, NormalInitializer, VarianceDistribution, VarianceScalingConfig } from './variance';
export { zeros, ones, constant, identity, randomUniform, randomNormal, truncatedNormal } from './basic';
export { orthogonal } from './orthogonal';
export { getInitializer } from './registry';
export type { InitializerName } from './registry';
