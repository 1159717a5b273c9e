#include "graph_plan.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "graph_fusion.h"
#include "graph_util.h"

namespace simdtrain {
namespace graph {
GraphPlan::GraphPlan(std::vector<Shape> slots, const std::vector<OpDesc>& ops, ArenaSizes sizes, uint64_t seed,
                     bool input_nchw, bool output_nchw, bool fuse)
    : slots_(std::move(slots)), input_nchw_(input_nchw), output_nchw_(output_nchw), seed_(seed) {
  if (slots_.empty()) throw std::invalid_argument("the plan needs an input slot");
  if (ops.empty()) throw std::invalid_argument("the plan needs at least one op");
  for (const Shape& s : slots_) {
    if (s.size() == 0) throw std::invalid_argument("slot shapes must be >= 1");
  }
  const size_t n = slots_.size();
  std::vector<int> producer(n, -1), readers(n, 0);
  producer[0] = -2;  // the input
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpDesc& d = ops[i];
    const OpEntry* entry = find_op(d.code);
    if (!entry) d.fail("unknown op code " + std::to_string(d.code));
    std::vector<Shape> in;
    for (int s : d.inputs) {
      if (s < 0 || static_cast<size_t>(s) >= n || producer[s] == -1) d.fail("reads slot " + std::to_string(s) + " before it is written");
      in.push_back(slots_[s]);
      ++readers[s];
    }
    if (d.output <= 0 || static_cast<size_t>(d.output) >= n || producer[d.output] != -1) {
      d.fail("writes slot " + std::to_string(d.output) + ", which is the input, out of range or already written");
    }
    producer[d.output] = static_cast<int>(i);
    Node node;
    node.op = entry->make(d, in, sizes);
    if (node.op->out_shape() != slots_[d.output]) {
      d.fail("output shape " + node.op->out_shape().str() + " differs from its slot " + slots_[d.output].str());
    }
    node.inputs = d.inputs;
    node.output = d.output;
    if (d.code == kOpActivation) node.act = static_cast<int>(d.number("act"));
    ops_.push_back(std::move(node));
  }
  out_slot_ = ops_.back().output;
  // An input read by Embedding ops holds ids; then nothing else may read it.
  size_t embeddings = 0, input_readers = 0, limit = SIZE_MAX;
  for (const OpDesc& d : ops) {
    for (int s : d.inputs) {
      if (s != 0) continue;
      ++input_readers;
      if (d.code == kOpEmbedding) ++embeddings, limit = std::min(limit, static_cast<size_t>(d.number("vocab")));
    }
  }
  if (embeddings && embeddings != input_readers) throw std::invalid_argument("the input feeds an Embedding (ids) and also another op");
  if (embeddings) id_limit_ = limit;
  for (size_t s = 0; s < n; ++s) {
    if (producer[s] == -1) throw std::invalid_argument("slot " + std::to_string(s) + " is never written");
    if (static_cast<int>(s) != out_slot_ && readers[s] == 0) throw std::invalid_argument("slot " + std::to_string(s) + " is never read");
  }
  if (readers[out_slot_] != 0) throw std::invalid_argument("the output slot must not be read by an op");
  dead_.assign(n, false);
  if (fuse) fuse_all(ops, sizes, readers), link_stats(readers);
  // In reverse order, the first op to produce a slot's gradient writes it;
  // every later one (an earlier op) adds to it.
  std::vector<bool> written(n, false);
  for (size_t i = ops_.size(); i-- > 0;) {
    Node& node = ops_[i];
    if (!node.op) continue;
    node.adds.resize(node.inputs.size());
    for (size_t j = 0; j < node.inputs.size(); ++j) {
      node.adds[j] = written[node.inputs[j]];
      written[node.inputs[j]] = true;
    }
  }
  grad_home_.resize(n);
  for (size_t s = 0; s < n; ++s) grad_home_[s] = static_cast<int>(s);
  for (Node& node : ops_) node.shared.assign(node.inputs.size(), false);
  if (fuse) share_add_grads(readers);
  // An op that can add its input gradient into the slot's gradient does so
  // (no fan_ part, no add_into pass); the others keep the fan_ path.
  for (Node& node : ops_) {
    node.add_home.assign(node.inputs.size(), 0);
    if (!fuse || !node.op || !node.op->adds_dx()) continue;
    for (size_t j = 0; j < node.inputs.size(); ++j)
      node.add_home[j] = node.adds[j] && !node.shared[j] && node.inputs[j] != 0 ? 1 : 0;
  }
  act_.resize(n);
  grad_.resize(n);
  saved_.resize(ops_.size());
}

namespace {

// The op after `from` that reads `slot` (its only reader), or ops.size().
size_t only_reader(const std::vector<OpDesc>& ops, int slot, size_t from) {
  size_t j = from + 1;
  while (j < ops.size() && std::find(ops[j].inputs.begin(), ops[j].inputs.end(), slot) == ops[j].inputs.end()) ++j;
  return j;
}

}  // namespace

void GraphPlan::fuse_all(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers) {
  fuse_relus(ops, sizes, readers);
  fuse_into_adds(ops, sizes, readers);
  fuse_into_convs(ops, sizes, readers);
}

bool GraphPlan::absorb(size_t into, size_t gone, std::unique_ptr<Op> op, std::vector<int> inputs, int output, int dead) {
  if (!op || op->out_shape() != slots_[output]) return false;
  ops_[into].op = std::move(op);
  ops_[into].inputs = std::move(inputs);
  ops_[into].output = output;
  ops_[gone].op.reset();
  dead_[dead] = true;
  return true;
}

void GraphPlan::fuse_relus(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers) {
  for (size_t i = 0; i < ops.size(); ++i) {
    const int s = ops[i].output;
    if (!ops_[i].op || s == out_slot_ || readers[s] != 1) continue;
    const size_t j = only_reader(ops, s, i);
    if (j == ops.size() || ops[j].inputs.size() != 1) continue;
    const FusionEntry* fusion = find_fusion(ops[i], ops[j]);
    if (!fusion) continue;
    std::vector<Shape> in;
    for (int k : ops[i].inputs) in.push_back(slots_[k]);
    absorb(i, j, fusion->make(ops[i], ops[j], in, sizes), ops_[i].inputs, ops[j].output, s);
  }
}

void GraphPlan::fuse_into_adds(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers) {
  std::vector<int> producer(slots_.size(), -1);
  for (size_t i = 0; i < ops.size(); ++i) producer[ops[i].output] = static_cast<int>(i);
  for (size_t j = 0; j < ops.size(); ++j) {
    // A two-input Add fused with its ReLU (its node writes the ReLU's slot).
    if (ops[j].code != kOpAdd || !ops_[j].op || ops[j].inputs.size() != 2 || ops_[j].output == ops[j].output) continue;
    for (size_t q = 0; q < 2; ++q) {
      const int a = ops[j].inputs[q], other = ops[j].inputs[1 - q], p = producer[a];
      if (a == other || p < 0 || !ops_[p].op || ops_[p].output != a || readers[a] != 1 || ops[p].inputs.size() != 1) continue;
      const FusionEntry* fusion = find_fusion(ops[p], ops[j]);
      if (!fusion) continue;
      std::unique_ptr<Op> op = fusion->make(ops[p], ops[j], {slots_[ops[p].inputs[0]], slots_[other]}, sizes);
      if (absorb(j, static_cast<size_t>(p), std::move(op), {ops[p].inputs[0], other}, ops_[j].output, a)) break;
    }
  }
}

void GraphPlan::fuse_into_convs(const std::vector<OpDesc>& ops, ArenaSizes sizes, const std::vector<int>& readers) {
  for (size_t i = 0; i < ops.size(); ++i) {
    // A producer fused with its ReLU (its node writes the ReLU's slot).
    const int s = ops_[i].output;
    if (!ops_[i].op || s == ops[i].output || s == out_slot_ || readers[s] != 1 || ops[i].inputs.size() != 1) continue;
    const size_t j = only_reader(ops, s, i);
    if (j == ops.size() || !ops_[j].op || ops_[j].inputs.size() != 1 || ops_[j].output != ops[j].output) continue;
    const FusionEntry* fusion = find_fusion(ops[i], ops[j], true);
    if (!fusion) continue;
    absorb(j, i, fusion->make(ops[i], ops[j], {slots_[ops[i].inputs[0]]}, sizes), {ops[i].inputs[0]}, ops[j].output, s);
  }
}

std::vector<int> GraphPlan::live_producers() const {
  std::vector<int> producer(slots_.size(), -1);
  for (size_t i = 0; i < ops_.size(); ++i)
    if (ops_[i].op) producer[ops_[i].output] = static_cast<int>(i);
  return producer;
}

void GraphPlan::link_stats(const std::vector<int>& readers) {
  const std::vector<int> producer = live_producers();
  for (Node& node : ops_) {
    if (!node.op || !node.op->takes_stats() || node.inputs.empty()) continue;
    const int a = node.inputs[0], p = a > 0 ? producer[a] : -1;
    if (p < 0 || readers[a] != 1 || !ops_[p].op->gives_stats()) continue;
    auto h = std::make_shared<HandedStats>();
    ops_[p].op->link_stats(h, true);
    node.op->link_stats(h, false);
    ++linked_stats_;
  }
}

void GraphPlan::share_add_grads(const std::vector<int>& readers) {
  const std::vector<int> producer = live_producers();
  // Whether every op reading `slot` other than op `skip` comes at or before op `last`.
  auto readers_by = [&](int slot, size_t skip, int last) {
    for (size_t r = 0; r < ops_.size(); ++r) {
      if (r == skip || !ops_[r].op) continue;
      for (int s : ops_[r].inputs)
        if (s == slot && static_cast<int>(r) > last) return false;
    }
    return true;
  };
  for (size_t i = 0; i < ops_.size(); ++i) {
    Node& node = ops_[i];
    if (!node.op || !node.op->same_input_grads()) continue;
    for (size_t j = 0; j < node.inputs.size(); ++j) {
      const int a = node.inputs[j], pa = a > 0 ? producer[a] : -1;
      if (pa < 0 || readers[a] != 1 || !ops_[pa].op->keeps_dy()) continue;
      for (size_t k = 0; k < node.inputs.size(); ++k) {
        const int b = node.inputs[k];
        if (k == j || b == 0 || b == a || node.adds[k] || node.shared[k] || grad_home_[b] != b) continue;
        if (!readers_by(b, i, pa)) continue;
        grad_home_[a] = b;
        node.shared[j] = true;
        break;
      }
    }
  }
}

size_t GraphPlan::shared_grad_count() const {
  size_t k = 0;
  for (const Node& node : ops_)
    for (bool shared : node.shared) k += shared ? 1 : 0;
  return k;
}

size_t GraphPlan::added_in_place_count() const {
  size_t k = 0;
  for (const Node& node : ops_)
    for (uint8_t add : node.add_home) k += add;
  return k;
}

size_t GraphPlan::handed_stats_count() const { return linked_stats_; }

size_t GraphPlan::fused_count() const {
  size_t k = 0;
  for (const Node& node : ops_) k += node.op ? 0 : 1;
  return k;
}

void GraphPlan::reserve(size_t rows) {
  if (rows <= capacity_) return;
  size_t scratch = 0, fan = 0;
  for (size_t s = 0; s < slots_.size(); ++s) {
    if (dead_[s]) continue;
    act_[s].resize(rows * slots_[s].size());
    if (s != 0 && grad_home_[s] == static_cast<int>(s)) grad_[s].resize(rows * slots_[s].size());
  }
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Node& node = ops_[i];
    if (!node.op) continue;
    saved_[i].resize(rows * node.op->saved_per_row());
    scratch = std::max(scratch, node.op->scratch_floats(rows));
    size_t op_fan = 0;
    for (size_t j = 0; j < node.inputs.size(); ++j) {
      if (node.adds[j] && !node.add_home[j]) op_fan += rows * slots_[node.inputs[j]].size();
    }
    fan = std::max(fan, op_fan);
  }
  scratch_.resize(scratch);
  fan_.resize(fan);
  labels_.resize(rows);
  targets_.resize(rows * out_size());
  capacity_ = rows;
}

size_t GraphPlan::memory_floats() const {
  size_t total = scratch_.size() + fan_.size() + targets_.size();
  for (const auto& v : act_) total += v.size();
  for (const auto& v : grad_) total += v.size();
  for (const auto& v : saved_) total += v.size();
  return total;
}

bool GraphPlan::fuses_final_act(int loss) const {
  const int act = ops_.back().act;
  return (loss == kLossSoftmaxXent && act == kActSoftmax) || (loss == kLossBce && act == kActSigmoid);
}

namespace {

// Row i of the batch, read and checked where it is used (index may be shared memory).
size_t checked_row(const BatchSource& src, size_t i) {
  const int64_t row = src.index ? static_cast<int64_t>(src.index[src.start + i]) : static_cast<int64_t>(src.start + i);
  if (row < 0 || static_cast<size_t>(row) >= src.n) throw std::out_of_range("'index' has row " + std::to_string(row) + " outside [0, " + std::to_string(src.n) + ")");
  return static_cast<size_t>(row);
}

// An id of row `row`, read once, as the exact float the plan keeps (ids
// beyond 2^24 round to values the id check refuses: limits are <= 2^24).
float id_value(const BatchSource& src, size_t row, size_t j, size_t in_n) {
  return static_cast<float>(src.ids[row * in_n + j]);
}

// The label of a row, read once and checked.
int32_t checked_label(const BatchSource& src, size_t row, size_t classes) {
  const int32_t label = src.labels[row];
  if (label < 0 || static_cast<size_t>(label) >= classes) {
    throw std::out_of_range("'labels' has label " + std::to_string(label) + " at row " + std::to_string(row) + ", outside [0, " +
                            std::to_string(classes) + ")");
  }
  return label;
}

}  // namespace

void GraphPlan::load(const BatchSource& src) {
  const Shape& in = slots_[0];
  const size_t in_n = in.size(), out_n = out_size();
  const bool spatial_in = input_nchw_, spatial_out = output_nchw_;
  // Indices and labels first (copied, then checked), so a bad one writes nothing.
  for (size_t i = 0; i < src.rows; ++i) {
    const size_t row = checked_row(src, i);
    if (src.labels) checked_label(src, row, out_n);
    labels_[i] = static_cast<int32_t>(row);  // the row for now; replaced by the label below
  }
  float* x = act_[0].data();
  for_rows(src.rows, in_n, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      if (src.ids) {
        for (size_t j = 0; j < in_n; ++j) x[i * in_n + j] = id_value(src, static_cast<size_t>(labels_[i]), j, in_n);
      } else if (spatial_in) {
        const float* s = src.x + static_cast<size_t>(labels_[i]) * in_n;
        nchw_to_nhwc(in, s, x + i * in_n);
      } else {
        std::memcpy(x + i * in_n, src.x + static_cast<size_t>(labels_[i]) * in_n, in_n * sizeof(float));
      }
      if (src.targets) {
        const float* t = src.targets + static_cast<size_t>(labels_[i]) * out_n;
        if (spatial_out) nchw_to_nhwc(slots_[out_slot_], t, &targets_[i * out_n]);
        else std::memcpy(&targets_[i * out_n], t, out_n * sizeof(float));
      }
    }
  });
  if (id_limit_) {
    for (size_t i = 0; i < src.rows; ++i) check_ids(in_n, x + i * in_n, static_cast<size_t>(labels_[i]));
  }
  if (!src.labels) return;
  // Checked again on the copy the kernel will read: shared memory may have changed.
  for (size_t i = 0; i < src.rows; ++i) labels_[i] = checked_label(src, static_cast<size_t>(labels_[i]), out_n);
}

const float* GraphPlan::forward(size_t rows, bool training, size_t begin, size_t end) {
  StepCtx ctx;
  ctx.rows = rows, ctx.training = training;
  ctx.params = params_, ctx.grads = grads_, ctx.buffers = buffers_;
  ctx.scratch = scratch_.data();
  ctx.seed = seed_, ctx.step = step_;
  ctx.bf16 = step_bf16_;
  const float* xs[8];
  std::vector<const float*> many;
  for (size_t i = begin; i < end; ++i) {
    Node& node = ops_[i];
    if (!node.op) continue;  // fused into another op
    const float** x = xs;
    if (node.inputs.size() > 8) many.resize(node.inputs.size()), x = many.data();
    for (size_t j = 0; j < node.inputs.size(); ++j) x[j] = act_[node.inputs[j]].data();
    ctx.op_index = i;
    node.op->forward(ctx, x, act_[node.output].data(), saved_[i].empty() ? nullptr : saved_[i].data());
  }
  if (training && begin == 0) ++step_;
  return act_[ops_[end - 1].output].data();
}

void GraphPlan::backward(size_t rows, const float* d_out, size_t end, bool accumulate, const GradReadyHook* hook) {
  StepCtx ctx;
  ctx.rows = rows, ctx.training = true, ctx.accumulate = accumulate;
  ctx.params = params_, ctx.grads = grads_, ctx.buffers = buffers_;
  ctx.scratch = scratch_.data();
  ctx.seed = seed_, ctx.step = step_ ? step_ - 1 : 0;  // the forward pass this backward follows
  ctx.bf16 = step_bf16_;
  const int top = ops_[end - 1].output;
  if (d_out) std::memcpy(grad_of(top), d_out, rows * slots_[top].size() * sizeof(float));
  std::vector<const float*> x;
  std::vector<float*> dx;
  for (size_t i = end; i-- > 0;) {
    Node& node = ops_[i];
    if (!node.op) {  // fused into another op (a later one has already run it backward)
      if (hook && hook->ready) hook->ready(hook->ctx, i);
      continue;
    }
    const size_t k = node.inputs.size();
    x.resize(k), dx.resize(k);
    // An input whose gradient adds to one already written gets its own part
    // of fan_, unless the op adds it in place (add_home).
    float* fan = fan_.data();
    for (size_t j = 0; j < k; ++j) {
      const int s = node.inputs[j];
      x[j] = act_[s].data();
      if (s == 0 || node.shared[j]) {
        dx[j] = nullptr;
      } else if (node.adds[j] && !node.add_home[j]) {
        dx[j] = fan;
        fan += rows * slots_[s].size();
      } else {
        dx[j] = grad_of(s);
      }
    }
    ctx.op_index = i;
    ctx.add_dx = node.add_home.data();
    const float* saved = saved_[i].empty() ? nullptr : saved_[i].data();
    node.op->backward(ctx, x.data(), act_[node.output].data(), saved, grad_of(node.output), dx.data());
    for (size_t j = 0; j < k; ++j) {
      if (node.adds[j] && !node.add_home[j] && dx[j]) add_into(rows * slots_[node.inputs[j]].size(), dx[j], grad_of(node.inputs[j]));
    }
    if (hook && hook->ready) hook->ready(hook->ctx, i);
  }
}

void GraphPlan::copy_output(size_t rows, const float* y, float* dst) const {
  const Shape& s = slots_[out_slot_];
  const size_t n = s.size();
  if (!output_nchw_) {
    std::memcpy(dst, y, rows * n * sizeof(float));
    return;
  }
  for (size_t r = 0; r < rows; ++r) nhwc_to_nchw(s, y + r * n, dst + r * n);
}

void GraphPlan::output_from_nchw(size_t rows, const float* src, float* dst) const {
  const Shape& s = slots_[out_slot_];
  const size_t n = s.size();
  if (!output_nchw_) {
    std::memcpy(dst, src, rows * n * sizeof(float));
    return;
  }
  for (size_t r = 0; r < rows; ++r) nchw_to_nhwc(s, src + r * n, dst + r * n);
}

LossResult GraphPlan::loss_on(size_t rows, const float* out, const LossOptions& opt, bool labels, float* grad) {
  const size_t k = out_size();
  if (labels && opt.label_smoothing <= 0.0f) return nn_loss(opt.loss, rows, k, out, labels_.data(), nullptr, opt.scale, grad);
  if (labels) {
    // Smoothed targets: (1 - eps) one-hot + eps / K; the hits stay argmax vs label.
    const float off = opt.label_smoothing / static_cast<float>(k), on = 1.0f - opt.label_smoothing + off;
    std::vector<float>& t = targets_;
    for (size_t r = 0; r < rows; ++r) {
      std::fill(&t[r * k], &t[r * k] + k, off);
      t[r * k + static_cast<size_t>(labels_[r])] = on;
    }
    return nn_loss(kLossSoftmaxXent, rows, k, out, nullptr, t.data(), opt.scale, grad);
  }
  return nn_loss(opt.loss, rows, k, out, nullptr, targets_.data(), opt.scale, grad);
}

LossResult GraphPlan::train_step(const BatchSource& src, const LossOptions& opt, bool accumulate, const GradReadyHook* hook,
                                 bool bf16) {
  struct Bf16Scope {  // reset also on an exception
    bool* flag;
    ~Bf16Scope() { *flag = false; }
  } scope{&step_bf16_};
  step_bf16_ = bf16;
  load(src);
  const bool fused = fuses_final_act(opt.loss);
  const size_t end = loss_end(fused);
  const float* out = forward(src.rows, true, 0, end);
  const int top = ops_[end - 1].output;
  float* g = grad_of(top);
  const LossResult r = loss_on(src.rows, out, opt, src.labels != nullptr, g);
  backward(src.rows, nullptr, end, accumulate, hook);
  return r;
}

void GraphPlan::check_ids(size_t n, const float* x, size_t row) const {
  for (size_t j = 0; j < n; ++j) {
    const float v = x[j];
    if (!(v >= 0.0f && v < static_cast<float>(id_limit_) && std::floor(v) == v)) {
      const std::string shown = std::isfinite(v) && std::floor(v) == v ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
      throw std::out_of_range("'x' has id " + shown + " at row " + std::to_string(row) + ", outside [0, " + std::to_string(id_limit_) + ")");
    }
  }
}

void GraphPlan::check_rows(const BatchSource& src) const {
  const size_t in_n = in_size();
  std::vector<float> ids(id_limit_ ? in_n : 0);
  for (size_t i = 0; i < src.rows; ++i) {
    const size_t row = checked_row(src, i);
    if (src.labels) checked_label(src, row, out_size());
    if (!id_limit_) continue;
    for (size_t j = 0; j < in_n; ++j) ids[j] = src.ids ? id_value(src, row, j, in_n) : src.x[row * in_n + j];
    check_ids(in_n, ids.data(), row);
  }
}

LossResult GraphPlan::evaluate(BatchSource src, size_t total, const LossOptions& opt, bool with_loss, float* predictions) {
  src.rows = total;
  check_rows(src);  // an honest bad label fails before any prediction is written
  if (capacity_ == 0) reserve(std::min<size_t>(std::max<size_t>(total, 1), 128));
  LossResult sum;
  const bool fused = with_loss && fuses_final_act(opt.loss);
  const size_t out_n = out_size();
  LossOptions eval = opt;
  eval.scale = 1.0f;
  for (size_t done = 0; done < total;) {
    src.rows = std::min(capacity_, total - done);
    load(src);
    const float* out = forward(src.rows, false, 0, loss_end(fused));
    if (with_loss) {
      const LossResult r = loss_on(src.rows, out, eval, src.labels != nullptr, nullptr);
      sum.sum += r.sum;
      sum.correct += r.correct;
    }
    if (predictions) {
      // A fused run stopped before the last op (an activation); run it now.
      const float* y = fused ? forward(src.rows, false, ops_.size() - 1, ops_.size()) : out;
      copy_output(src.rows, y, predictions + done * out_n);
    }
    done += src.rows;
    src.start += src.rows;
  }
  return sum;
}

}  // namespace graph
}  // namespace simdtrain
