{
  "targets": [
    {
      "target_name": "libbpf_ts",
      "product_name": "libbpf_ts",
      "product_prefix": "",
      "sources": [
        "native/addon.cc",
        "native/bpf_error.cc",
        "native/bpf_object.cc",
        "native/globals.cc",
        "native/ring_drain.cc"
      ],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra"],
      "libraries": ["-lbpf", "-lelf", "-lz"]
    }
  ]
}
