import type { FileClaim } from '../fileClaim';

/** An `.npz` is a zip; its name tells it from a torch.save zip whose first member is not an `.npy`. */
export const NPZ_FILES: readonly FileClaim[] = [{ pattern: '*.npz', editor: 'default' }];

export const NUMPY_FILES: readonly FileClaim[] = [...NPZ_FILES, { pattern: '*.npy', editor: 'default' }];
