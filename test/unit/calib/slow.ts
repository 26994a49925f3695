/**
 * Each onnxruntime session takes 0.3-3 s to create (the first one loads the wasm), and these
 * suites create several; on a loaded 2-core machine that outgrows mocha's default timeout.
 */
export const ORT_SUITE_TIMEOUT_MS = 180_000;
