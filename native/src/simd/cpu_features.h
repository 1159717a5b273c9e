// What the running CPU *and* operating system can execute.
#pragma once

#include "isa.h"

namespace simdtrain {

// True when kernels compiled for `isa` can run here: the CPU reports the
// instructions (CPUID) and the OS saves the register state (XGETBV).
bool cpu_supports(Isa isa);

// The most capable ISA compiled into this binary that the CPU supports.
Isa best_supported_isa();

// "x64", "arm64", or "other".
const char* cpu_arch();

}  // namespace simdtrain
