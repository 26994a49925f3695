import type { FileClaim } from '../fileClaim';

export const GGUF_FILES: readonly FileClaim[] = [{ pattern: '*.gguf', editor: 'default' }];
