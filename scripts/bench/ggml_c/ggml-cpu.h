// Stand-in for ggml's ggml-cpu.h, which ggml-quants.c includes: its reference quantizers need nothing from it.
