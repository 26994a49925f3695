import type { FileClaim } from '../fileClaim';

export const TFJS_FILES: readonly FileClaim[] = [{ pattern: '*weights_manifest.json', editor: 'option' }];

/** The tfjs converter's model file: read when named or found in a folder, but not claimed for the editor (too common a name). */
export const TFJS_MODEL_JSON = 'model.json';
