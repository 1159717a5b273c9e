# One Node-API addon built from:
#   - one static library of the per-ISA kernel files (*.isa.cc) per ISA, each
#     compiled with its own -m flags and -DSIMDTRAIN_TARGET_<ISA>;
#   - one static library of the ISA-independent C++ (dispatch, thread pool,
#     threaded ops), compiled for the architecture's baseline;
#   - the Node-API bindings.
# (-Wno-uninitialized on AVX-512 silences GCC 12's false positive inside its
# own avx512fintrin.h, GCC bug 105593.)
# No host-CPU tuning flags: the binary must run on every CPU of its architecture;
# the best kernels are picked at run time (native/src/simd/dispatch.h).
# Source lists come from scripts/list-sources.js, so new files need no edit here.
{
  "target_defaults": {
    "cflags!": ["-fno-exceptions", "-O2"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-std=gnu++17", "-std=gnu++20"],
    "cflags": ["-O3", "-fno-math-errno", "-ffp-contract=off", "-fvisibility=hidden"],
    "cflags_cc": ["-std=c++17", "-fexceptions"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "-fno-math-errno", "-ffp-contract=off"]
    }
  },
  "targets": [
    {
      "target_name": "simdtrain_isa_scalar",
      "type": "static_library",
      "sources": ["<!@(node scripts/list-sources.js isa)"],
      "defines": ["SIMDTRAIN_TARGET_SCALAR"],
      "cflags": ["-fno-tree-vectorize", "-fno-tree-slp-vectorize"]
    },
    {
      "target_name": "simdtrain_core",
      "type": "static_library",
      "sources": ["<!@(node scripts/list-sources.js core)"]
    },
    {
      "target_name": "simdtrain",
      "sources": ["<!@(node scripts/list-sources.js addon)"],
      "dependencies": ["simdtrain_core", "simdtrain_isa_scalar"],
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["simdtrain_isa_sse2", "simdtrain_isa_avx2", "simdtrain_isa_avx512",
                                                  "simdtrain_isa_avx512bf16", "simdtrain_isa_amx"]}],
        ["target_arch=='arm64'", {"dependencies": ["simdtrain_isa_neon"]}]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "simdtrain_isa_sse2",
          "type": "static_library",
          "sources": ["<!@(node scripts/list-sources.js isa)"],
          "defines": ["SIMDTRAIN_TARGET_SSE2"],
          "cflags": ["-msse2"]
        },
        {
          "target_name": "simdtrain_isa_avx2",
          "type": "static_library",
          "sources": ["<!@(node scripts/list-sources.js isa)"],
          "defines": ["SIMDTRAIN_TARGET_AVX2"],
          "cflags": ["-mavx2", "-mfma", "-mf16c"]
        },
        {
          "target_name": "simdtrain_isa_avx512",
          "type": "static_library",
          "sources": ["<!@(node scripts/list-sources.js isa)"],
          "defines": ["SIMDTRAIN_TARGET_AVX512"],
          "cflags": ["-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma", "-mf16c", "-mprefer-vector-width=512",
                     "-Wno-uninitialized"]
        },
        {
          "target_name": "simdtrain_isa_avx512bf16",
          "type": "static_library",
          "sources": ["<!@(node scripts/list-sources.js avx512bf16)"],
          "cflags": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512bf16", "-Wno-uninitialized"]
        },
        {
          "target_name": "simdtrain_isa_amx",
          "type": "static_library",
          "sources": ["<!@(node scripts/list-sources.js amx)"],
          "cflags": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512bf16", "-mamx-tile", "-mamx-bf16", "-Wno-uninitialized"]
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [
        {
          "target_name": "simdtrain_isa_neon",
          "type": "static_library",
          "sources": ["<!@(node scripts/list-sources.js isa)"],
          "defines": ["SIMDTRAIN_TARGET_NEON"]
        }
      ]
    }]
  ]
}
