// Times ggml's own C reference quantizers (quantize_row_*_ref in ggml-quants.c, compiled with -O3)
// on the float32 values of a file, single-threaded, in CPU time: the bench's competitor for
// QuantLens's ports. Prints one JSON line per type: {"type": "Q4_K", "mvps": 123.4}; with OUT_DIR,
// also writes each type's blocks to OUT_DIR/TYPE.bin (the bench checks its ports give the same bytes).
//
//   ggml_quant_bench VALUES.f32 BUDGET_MS [OUT_DIR]
#define GGML_COMMON_DECL_C
#include "ggml-common.h"
#include "ggml-quants.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*quantize_fn)(const float * x, void * y, int64_t k);

struct entry {
    const char * name;
    quantize_fn quantize;
    size_t block_bytes;
    int block_values;
};

#define ENTRY(NAME, fn, block, values) { NAME, (quantize_fn) fn, sizeof(block), values }

static const struct entry TYPES[] = {
    ENTRY("Q4_0", quantize_row_q4_0_ref, block_q4_0, QK4_0),
    ENTRY("Q4_1", quantize_row_q4_1_ref, block_q4_1, QK4_1),
    ENTRY("Q5_0", quantize_row_q5_0_ref, block_q5_0, QK5_0),
    ENTRY("Q5_1", quantize_row_q5_1_ref, block_q5_1, QK5_1),
    ENTRY("Q8_0", quantize_row_q8_0_ref, block_q8_0, QK8_0),
    ENTRY("Q2_K", quantize_row_q2_K_ref, block_q2_K, QK_K),
    ENTRY("Q3_K", quantize_row_q3_K_ref, block_q3_K, QK_K),
    ENTRY("Q4_K", quantize_row_q4_K_ref, block_q4_K, QK_K),
    ENTRY("Q5_K", quantize_row_q5_K_ref, block_q5_K, QK_K),
    ENTRY("Q6_K", quantize_row_q6_K_ref, block_q6_K, QK_K),
    ENTRY("IQ4_NL", quantize_row_iq4_nl_ref, block_iq4_nl, QK4_NL),
    ENTRY("IQ4_XS", quantize_row_iq4_xs_ref, block_iq4_xs, QK_K),
    ENTRY("MXFP4", quantize_row_mxfp4_ref, block_mxfp4, QK_MXFP4),
};

static double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void write_blocks(const char * dir, const char * name, const void * y, size_t bytes) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    FILE * out = fopen(path, "wb");
    if (!out || fwrite(y, 1, bytes, out) != bytes) {
        perror(path);
        exit(1);
    }
    fclose(out);
}

int main(int argc, char ** argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s VALUES.f32 BUDGET_MS [OUT_DIR]\n", argv[0]);
        return 2;
    }
    FILE * f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    const long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    const int64_t n = bytes / (long) sizeof(float);
    float * x = malloc(n * sizeof(float));
    if (!x || fread(x, sizeof(float), n, f) != (size_t) n) {
        fprintf(stderr, "%s: read failed\n", argv[1]);
        return 1;
    }
    fclose(f);
    const double budget = atof(argv[2]);
    for (size_t t = 0; t < sizeof(TYPES) / sizeof(TYPES[0]); t++) {
        const struct entry * e = &TYPES[t];
        void * y = malloc((n / e->block_values) * e->block_bytes);
        double best = 1e300;
        const double start = cpu_ms();
        do {
            const double t0 = cpu_ms();
            e->quantize(x, y, n);
            const double ms = cpu_ms() - t0;
            if (ms < best) best = ms;
        } while (cpu_ms() - start < budget);
        printf("{\"type\": \"%s\", \"mvps\": %.1f}\n", e->name, n / best / 1e3);
        if (argc == 4) write_blocks(argv[3], e->name, y, (n / e->block_values) * e->block_bytes);
        free(y);
    }
    free(x);
    return 0;
}
