/**
 * Access to an optimizer's parameter groups, whatever its shape: PyTorch-style
 * `paramGroups`, or a single `lr` seen as one group (a view cached per
 * optimizer, so every scheduler on it shares the view's `initialLr`).
 * @packageDocumentation
 */
import type { ParamGroupLike, SchedulableOptimizer, SchedulerTarget, SingleLrOptimizer } from './types';

/** A group the schedulers may write extra keys into (`initialLr`, `momentum`, `betas`). @internal */
export type Group = ParamGroupLike & Record<string, unknown>;

const views = new WeakMap<SingleLrOptimizer, Group[]>();

function hasGroups(o: object): o is SchedulableOptimizer {
  return Array.isArray((o as { paramGroups?: unknown }).paramGroups);
}

function singleView(o: SingleLrOptimizer): Group[] {
  let view = views.get(o);
  if (!view) {
    const group = {} as Group;
    Object.defineProperty(group, 'lr', { enumerable: true, get: () => o.lr, set: (v: number) => void (o.lr = v) });
    view = [group];
    views.set(o, view);
  }
  return view;
}

/**
 * Checks `optimizer` (TypeError naming it) and returns a function giving its
 * current groups; each call re-checks that every group has a finite `lr`.
 * @internal
 */
export function groupAccess(who: string, optimizer: unknown): () => Group[] {
  if (typeof optimizer !== 'object' || optimizer === null) throw new TypeError(`${who}: 'optimizer' must be an optimizer object with 'paramGroups' (or an 'lr')`);
  let read: () => Group[];
  if (hasGroups(optimizer)) read = () => optimizer.paramGroups as Group[];
  else if (typeof (optimizer as { lr?: unknown }).lr === 'number') {
    const view = singleView(optimizer as SingleLrOptimizer);
    read = () => view;
  } else throw new TypeError(`${who}: 'optimizer' must have 'paramGroups' (an array of { lr }) or a numeric 'lr'`);
  const checked = (): Group[] => {
    const groups = read();
    if (groups.length === 0) throw new RangeError(`${who}: the optimizer has no param groups`);
    groups.forEach((g, i) => {
      if (typeof g !== 'object' || g === null || typeof g.lr !== 'number' || !Number.isFinite(g.lr)) {
        throw new TypeError(`${who}: optimizer.paramGroups[${i}].lr must be a finite number`);
      }
    });
    return groups;
  };
  checked();
  return checked;
}
