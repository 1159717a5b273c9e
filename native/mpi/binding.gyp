# The optional MPI addon (simdtrain/distributed), built by
# `npm run build:mpi` (scripts/build-mpi.js), never by `npm install`.
# Compile and link flags come from the MPI installation (mpicxx or pkg-config).
{
  "targets": [
    {
      "target_name": "simdtrain_mpi",
      "sources": ["mpi_binding.cc", "mpi_state.cc", "job_queue.cc", "js_promises.cc", "mpi_thread.cc", "watchdog.cc", "collective_args.cc", "grad_buckets.cc"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-std=gnu++17", "-std=gnu++20"],
      "cflags": ["-O3", "-fvisibility=hidden", "<!@(node ../../scripts/build-mpi.js --flags compile)"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "libraries": ["<!@(node ../../scripts/build-mpi.js --flags link)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"]
    }
  ]
}
