// Stand-in for ggml's ggml-cpu/ggml-cpu-impl.h, which ggml-quants.c includes: its reference quantizers need nothing from it.
