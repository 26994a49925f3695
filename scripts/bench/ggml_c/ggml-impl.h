// Stand-in for ggml/src/ggml-impl.h, which shared/tools/llama.cpp/source does not carry: just what
// ggml-quants.c's reference quantizers use, with ggml's portable (no F16C) definitions, so the
// bench compiles ggml-quants.c unmodified. Bench only: nothing here ships.
#pragma once
#include "ggml.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline float fp32_from_bits(uint32_t w) { float f; memcpy(&f, &w, sizeof f); return f; }
static inline uint32_t fp32_to_bits(float f) { uint32_t w; memcpy(&w, &f, sizeof w); return w; }

static inline float ggml_compute_fp16_to_fp32(ggml_fp16_t h) {
    const uint32_t w = (uint32_t) h << 16;
    const uint32_t sign = w & UINT32_C(0x80000000);
    const uint32_t two_w = w + w;
    const float normalized = fp32_from_bits((two_w >> 4) + (UINT32_C(0xE0) << 23)) * 0x1.0p-112f;
    const float denormalized = fp32_from_bits((two_w >> 17) | (UINT32_C(126) << 23)) - 0.5f;
    const uint32_t result = sign | (two_w < (UINT32_C(1) << 27) ? fp32_to_bits(denormalized) : fp32_to_bits(normalized));
    return fp32_from_bits(result);
}

static inline ggml_fp16_t ggml_compute_fp32_to_fp16(float f) {
    float base = (fabsf(f) * 0x1.0p+112f) * 0x1.0p-110f;
    const uint32_t w = fp32_to_bits(f);
    const uint32_t shl1_w = w + w;
    const uint32_t sign = w & UINT32_C(0x80000000);
    uint32_t bias = shl1_w & UINT32_C(0xFF000000);
    if (bias < UINT32_C(0x71000000)) bias = UINT32_C(0x71000000);
    base = fp32_from_bits((bias >> 1) + UINT32_C(0x07800000)) + base;
    const uint32_t bits = fp32_to_bits(base);
    const uint32_t nonsign = ((bits >> 13) & UINT32_C(0x00007C00)) + (bits & UINT32_C(0x00000FFF));
    return (ggml_fp16_t) ((sign >> 16) | (shl1_w > UINT32_C(0xFF000000) ? UINT16_C(0x7E00) : nonsign));
}

#define GGML_FP16_TO_FP32(x) ggml_compute_fp16_to_fp32(x)
#define GGML_FP32_TO_FP16(x) ggml_compute_fp32_to_fp16(x)

// E8M0 (MXFP4 block scale) halved, as ggml-impl.h.
static inline float ggml_e8m0_to_fp32_half(uint8_t x) {
    const uint32_t bits = x < 2 ? UINT32_C(0x00200000) << x : (uint32_t) (x - 1) << 23;
    return fp32_from_bits(bits);
}
#define GGML_E8M0_TO_FP32_HALF(x) ggml_e8m0_to_fp32_half(x)

// NVFP4's UE4M3 scale: declared for the compiler; the bench does not time NVFP4 (link stubs in ggml_stubs.c).
uint8_t ggml_fp32_to_ue4m3(float x);
float ggml_ue4m3_to_fp32(uint8_t x);
