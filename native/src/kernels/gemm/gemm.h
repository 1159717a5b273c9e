// Single-precision GEMM on row-major matrices, the C++ entry point that the
// addon and the trainer's native code call:
//
//   C = act(alpha * op(A) * op(B) + beta * C + bias)
//
// op(X) is X or its transpose; op(A) is m x k, op(B) is k x n, C is m x n.
// Every matrix is row-major with a leading dimension (distance in floats
// between the starts of consecutive stored rows): A is stored as m x k
// (trans_a = false) or k x m (trans_a = true), likewise B as k x n or n x k.
// beta == 0 never reads C (NaN or garbage in C does not leak through);
// alpha == 0 or k == 0 never reads A or B (BLAS semantics).
// bias (optional, n floats) is added to every row of C after alpha/beta, then
// the activation is applied, all while C is stored (no second pass).
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {

enum class Activation : uint8_t { none = 0, relu = 1 };

// The precision of the products: bf16 rounds A and B to bf16 (sums stay
// fp32); see gemm_bf16/gemm_bf16.h and docs/bf16.md.
enum class Precision : uint8_t { fp32 = 0, bf16 = 1 };

// Work fused into the store of C.
struct GemmEpilogue {
  const float* bias = nullptr;  // n floats added to every row of C, or null
  Activation activation = Activation::none;
};

struct GemmArgs {
  bool trans_a = false;
  bool trans_b = false;
  size_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  size_t lda = 0;
  const float* b = nullptr;
  size_t ldb = 0;
  float beta = 0.0f;
  float* c = nullptr;
  size_t ldc = 0;
  GemmEpilogue epilogue;
  Precision precision = Precision::fp32;
};

// Floats a stored matrix with `rows` rows of `cols` used floats and leading
// dimension `ld` spans: (rows - 1) * ld + cols, or 0 when empty. Returns false
// when that overflows size_t.
bool gemm_span(size_t rows, size_t cols, size_t ld, size_t* out);

// nullptr when the sizes and leading dimensions are consistent (each ld at
// least its stored row length, and at least 1), else a message naming the
// first bad field. Does not know array lengths: the caller checks those with
// gemm_span.
const char* gemm_check(const GemmArgs& args);

// The fast path: packed, register-blocked, dispatched to the active ISA and
// threaded over the thread pool for large problems. C must not overlap A, B
// or bias. Precondition: gemm_check(args) == nullptr.
void sgemm(const GemmArgs& args);

// A plain triple loop accumulating in double, rounded once per element: the
// reference the tests compare against. Same semantics as sgemm.
void gemm_reference(const GemmArgs& args);

}  // namespace simdtrain
