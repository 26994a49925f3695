import type { FileClaim } from '../fileClaim';

export const ONNX_FILES: readonly FileClaim[] = [{ pattern: '*.onnx', editor: 'default' }];
