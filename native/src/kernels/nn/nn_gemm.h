// The GEMM the nn code calls. TEMPORARY: until branch `gemm` lands this
// mirrors the API of kernels/gemm/gemm.h (GemmArgs, sgemm) with a naive
// implementation in nn_gemm_stub.cc; after the merge this file only includes
// "../gemm/gemm.h" and the stub is deleted.
#pragma once

#include <cstddef>
#include <cstdint>

namespace simdtrain {

enum class Activation : uint8_t { none = 0, relu = 1 };

struct GemmEpilogue {
  const float* bias = nullptr;
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
};

void sgemm(const GemmArgs& args);

}  // namespace simdtrain
