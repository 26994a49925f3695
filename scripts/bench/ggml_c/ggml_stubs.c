// Link stubs for what ggml-quants.c calls from ggml.c and ggml-impl.h outside the reference
// quantizers the bench times (ggml.c does not build without the rest of ggml). Each aborts.
#include "ggml.h"
#include <stdio.h>
#include <stdlib.h>

static void not_in_bench(const char * name) {
    fprintf(stderr, "ggml_quant_bench: %s is not part of the bench\n", name);
    abort();
}

void ggml_abort(const char * file, int line, const char * fmt, ...) {
    fprintf(stderr, "ggml_abort at %s:%d (%s)\n", file, line, fmt);
    abort();
}
size_t ggml_row_size(enum ggml_type type, int64_t ne) { (void) type; (void) ne; not_in_bench("ggml_row_size"); return 0; }
size_t ggml_type_size(enum ggml_type type) { (void) type; not_in_bench("ggml_type_size"); return 0; }
const char * ggml_type_name(enum ggml_type type) { (void) type; not_in_bench("ggml_type_name"); return ""; }
void ggml_quantize_init(enum ggml_type type) { (void) type; not_in_bench("ggml_quantize_init"); }
uint8_t ggml_fp32_to_ue4m3(float x) { (void) x; not_in_bench("ggml_fp32_to_ue4m3"); return 0; }
float ggml_ue4m3_to_fp32(uint8_t x) { (void) x; not_in_bench("ggml_ue4m3_to_fp32"); return 0; }
