// Chooses which ISA's kernel tables are active.
//
// Every kernel family declares one table type (a struct of function pointers)
// and defines one instance per ISA in its own namespace: simdtrain::scalar,
// ::sse2, ::avx2, ::avx512 (x86-64) or ::neon (arm64). SIMDTRAIN_PICK returns
// the instance for the active ISA.
#pragma once

#include <string>
#include <type_traits>

#include "isa.h"

namespace simdtrain {

// The ISA whose tables are used now. Starts as the best supported one, or the
// one named by the SIMDTRAIN_ISA environment variable when that is supported.
Isa active_isa();

// Forces `isa`. Returns false (and changes nothing) when the CPU cannot run it.
bool set_active_isa(Isa isa);

// An error message when SIMDTRAIN_ISA named something unusable at load, else "".
const std::string& isa_env_error();

template <class Table>
const Table& pick_table(const Table& scalar_table, const Table* sse2_table, const Table* avx2_table,
                        const Table* avx512_table, const Table* neon_table) {
  const Table* chosen = nullptr;
  switch (active_isa()) {
    case Isa::sse2: chosen = sse2_table; break;
    case Isa::avx2: chosen = avx2_table; break;
    case Isa::avx512: chosen = avx512_table; break;
    case Isa::neon: chosen = neon_table; break;
    case Isa::scalar: break;
  }
  return chosen ? *chosen : scalar_table;
}

}  // namespace simdtrain

// Declares the per-ISA instances `var` of table type `Type` (use at namespace
// scope inside namespace simdtrain).
#if SIMDTRAIN_X86
#define SIMDTRAIN_DECLARE_TABLES(Type, var)   \
  namespace scalar { extern const Type var; } \
  namespace sse2 { extern const Type var; }   \
  namespace avx2 { extern const Type var; }   \
  namespace avx512 { extern const Type var; }
#define SIMDTRAIN_PICK(var) \
  ::simdtrain::pick_table<std::remove_const_t<decltype(::simdtrain::scalar::var)>>(::simdtrain::scalar::var, &::simdtrain::sse2::var, &::simdtrain::avx2::var, &::simdtrain::avx512::var, nullptr)
#define SIMDTRAIN_TABLE_FOR(isa, var)                       \
  ((isa) == ::simdtrain::Isa::sse2     ? &::simdtrain::sse2::var   \
   : (isa) == ::simdtrain::Isa::avx2   ? &::simdtrain::avx2::var   \
   : (isa) == ::simdtrain::Isa::avx512 ? &::simdtrain::avx512::var \
   : (isa) == ::simdtrain::Isa::scalar ? &::simdtrain::scalar::var \
                                       : nullptr)
#elif SIMDTRAIN_ARM64
#define SIMDTRAIN_DECLARE_TABLES(Type, var)   \
  namespace scalar { extern const Type var; } \
  namespace neon { extern const Type var; }
#define SIMDTRAIN_PICK(var) \
  ::simdtrain::pick_table<std::remove_const_t<decltype(::simdtrain::scalar::var)>>(::simdtrain::scalar::var, nullptr, nullptr, nullptr, &::simdtrain::neon::var)
#define SIMDTRAIN_TABLE_FOR(isa, var)                     \
  ((isa) == ::simdtrain::Isa::neon     ? &::simdtrain::neon::var \
   : (isa) == ::simdtrain::Isa::scalar ? &::simdtrain::scalar::var \
                                       : nullptr)
#else
#define SIMDTRAIN_DECLARE_TABLES(Type, var) namespace scalar { extern const Type var; }
#define SIMDTRAIN_PICK(var) ::simdtrain::pick_table<std::remove_const_t<decltype(::simdtrain::scalar::var)>>(::simdtrain::scalar::var, nullptr, nullptr, nullptr, nullptr)
#define SIMDTRAIN_TABLE_FOR(isa, var) ((isa) == ::simdtrain::Isa::scalar ? &::simdtrain::scalar::var : nullptr)
#endif
