import type { FileClaim } from '../fileClaim';

export const SAFETENSORS_FILES: readonly FileClaim[] = [{ pattern: '*.safetensors', editor: 'default' }];
