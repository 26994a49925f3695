/** The quantized storages the decoders know (src/core/decode): named in compare results, so the webview sees them too. */
export type StorageId = 'gptq' | 'awq' | 'bnb-4bit' | 'compressed-pack' | 'fp8-scaled' | 'nvfp4' | 'onnx-qdq' | 'onnx-matmulnbits';
