/**
 * Gradient buckets of `fitDistributed`: the gradient arena cut into
 * contiguous ranges of about `bucketBytes`, in the order the backward pass
 * finishes them (the last layers first), each tagged with the op after whose
 * backward pass all of its gradients are final. The MPI addon all-reduces
 * them in that order, either while the backward pass goes on (overlap: the
 * main addon's trainStep calls the hook on its worker thread after each op)
 * or all queued at once after it.
 * @packageDocumentation
 */
import type { GraphModel } from '../nn/graph';

/** One bucket: floats [offset, offset + length), final once op `readyAt` ran its backward pass. */
export interface Bucket {
  offset: number;
  length: number;
  readyAt: number;
}

/** MPI counts are ints; the addon takes at most 2^30 floats per bucket. */
const MAX_BUCKET_FLOATS = 2 ** 30;

/**
 * The buckets of `model`'s gradient arena, in launch order (readyAt never
 * increases). A tensor is never split unless it alone exceeds the bucket
 * size; a bucket holds adjacent tensors only.
 */
export function gradientBuckets(model: GraphModel, bucketBytes: number): Bucket[] {
  const limit = Math.max(1, Math.min(MAX_BUCKET_FLOATS, Math.floor(bucketBytes / 4)));
  // The first (lowest-index) op of each node: its parameter gradients are
  // final once the backward pass (ops in reverse) has run it.
  const firstOp = new Map<number, number>();
  model.opNodes.forEach((node, op) => {
    if (!firstOp.has(node)) firstOp.set(node, op);
  });
  const layerOp = new Map(model.nodes.map((n, i) => [n.layer, firstOp.get(i) ?? 0]));
  const tensors = model.tensors
    .filter((t) => t.trainable && t.spec.size > 0)
    .map((t) => ({ offset: t.offset, length: t.spec.size, readyAt: layerOp.get(t.layer) ?? 0 }))
    .sort((a, b) => b.offset - a.offset); // the arena from its end: the last layers first
  const buckets: Bucket[] = [];
  let cur: Bucket | null = null;
  for (const t of tensors) {
    // A tensor larger than the limit gets buckets of its own (from its end).
    for (let end = t.offset + t.length; end > t.offset; ) {
      const take = Math.min(end - t.offset, limit);
      const piece = { offset: end - take, length: take, readyAt: t.readyAt };
      end -= take;
      if (cur && cur.offset === piece.offset + piece.length && cur.length + piece.length <= limit) {
        cur.offset = piece.offset;
        cur.length += piece.length;
        cur.readyAt = Math.min(cur.readyAt, piece.readyAt);
      } else {
        cur = { ...piece };
        buckets.push(cur);
      }
    }
  }
  // Launch order: the first final first (stable for equal readyAt).
  return buckets.map((b, i) => ({ b, i })).sort((p, q) => q.b.readyAt - p.b.readyAt || p.i - q.i).map((p) => p.b);
}

/** The [offset, length, readyAt] triples the addon takes. */
export function bucketLayout(buckets: readonly Bucket[]): Float64Array {
  const out = new Float64Array(buckets.length * 3);
  buckets.forEach((b, i) => out.set([b.offset, b.length, b.readyAt], i * 3));
  return out;
}
