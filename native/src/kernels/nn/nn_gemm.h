// The GEMM the nn code calls: the project's SGEMM (kernels/gemm/gemm.h),
// whose epilogue fuses the bias add and ReLU into the store of C.
#pragma once

#include "../gemm/gemm.h"
