// Every number lib/native_codes.ts mirrors is read back from the C++ header
// that defines it, so a renumbering on either side fails here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACT_CODES, BINARY_MODES, BINARY_OPS, LOSS_CODES, OP_CODES, OPTIM_FLAGS, OPTIM_KINDS, OPTIM_SCALARS_PER_TENSOR } from '../lib/native_codes';

const src = path.join(__dirname, '..', 'native', 'src');
const header = (rel: string) => fs.readFileSync(path.join(src, rel), 'utf8');

/** The enumerators of `enum <name> ... { ... }` with C++'s implicit numbering. */
function parseEnum(text: string, name: string): Map<string, number> {
  const m = new RegExp(`enum\\s+(?:class\\s+)?${name}\\b[^{]*\\{([^}]*)\\}`).exec(text);
  if (!m) throw new Error(`enum ${name} not found`);
  const out = new Map<string, number>();
  let next = 0;
  for (const raw of m[1].replace(/\/\/[^\n]*/g, '').split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const [key, value] = item.split('=').map((s) => s.trim());
    // eslint-disable-next-line no-new-func
    const v = value === undefined ? next : Number(Function(`return (${value.replace(/u\b/g, '')})`)());
    out.set(key, v);
    next = v + 1;
  }
  return out;
}

function constant(text: string, name: string): number {
  const m = new RegExp(`constexpr\\s+\\w+\\s+${name}\\s*=\\s*(\\d+)`).exec(text);
  if (!m) throw new Error(`constant ${name} not found`);
  return Number(m[1]);
}

/** 'maxPool2d' -> 'MaxPool2d' (the C++ spelling after the prefix). */
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

describe('native codes', () => {
  it('op codes match graph_op.h, and kOpCount follows the last', () => {
    const e = parseEnum(header('kernels/graph/graph_op.h'), 'OpCode');
    for (const [k, v] of Object.entries(OP_CODES)) expect([k, e.get(`kOp${cap(k)}`)]).toEqual([k, v]);
    expect(e.get('kOpCount')).toBe(Object.keys(OP_CODES).length);
  });

  it('activation codes match nn_table.h', () => {
    const e = parseEnum(header('kernels/nn/nn_table.h'), 'ActCode');
    for (const [k, v] of Object.entries(ACT_CODES)) expect([k, e.get(`kAct${cap(k)}`)]).toEqual([k, v]);
    expect(e.get('kActCount')).toBe(Object.keys(ACT_CODES).length);
  });

  it('loss codes match nn_ops.h', () => {
    const e = parseEnum(header('kernels/nn/nn_ops.h'), 'LossCode');
    const cpp: Record<string, string> = { mse: 'kLossMse', softmaxCrossEntropy: 'kLossSoftmaxXent', binaryCrossEntropy: 'kLossBce' };
    for (const [k, v] of Object.entries(LOSS_CODES)) expect([k, e.get(cpp[k])]).toEqual([k, v]);
    expect(e.get('kLossCount')).toBe(Object.keys(LOSS_CODES).length);
  });

  it('element-wise op and broadcast codes match elementwise_table.h', () => {
    const text = header('kernels/elementwise/elementwise_table.h');
    const ops = parseEnum(text, 'BinaryOp');
    for (const [k, v] of Object.entries(BINARY_OPS)) expect([k, ops.get(`kBin${cap(k)}`)]).toEqual([k, v]);
    expect(ops.get('kBinOpCount')).toBe(Object.keys(BINARY_OPS).length);
    const modes = parseEnum(text, 'BinaryMode');
    for (const [k, v] of Object.entries(BINARY_MODES)) expect([k, modes.get(`kBin${cap(k)}`)]).toEqual([k, v]);
    expect(modes.get('kBinModeCount')).toBe(Object.keys(BINARY_MODES).length);
  });

  it('optimizer kinds, flags and the scalar row match optim_types.h', () => {
    const text = header('kernels/optim/optim_types.h');
    const kinds = parseEnum(text, 'OptimKind');
    for (const [k, v] of Object.entries(OPTIM_KINDS)) expect([k, kinds.get(k)]).toEqual([k, v]);
    expect(constant(text, 'kOptimKindCount')).toBe(Object.keys(OPTIM_KINDS).length);
    const flags = parseEnum(text, 'OptimFlag');
    for (const [k, v] of Object.entries(OPTIM_FLAGS)) expect([k, flags.get(`kFlag${cap(k)}`)]).toEqual([k, v]);
    expect(constant(text, 'kOptimScalarCount')).toBe(OPTIM_SCALARS_PER_TENSOR);
  });
});
