import { isClaimedBy, type FileClaim } from './fileClaim';
import { GGUF_FILES } from './gguf/files';
import { NUMPY_FILES } from './numpy/files';
import { ONNX_FILES } from './onnx/files';
import { PYTORCH_FILES } from './pytorch/files';
import { SAFETENSORS_FILES } from './safetensors/files';
import { TFJS_FILES } from './tfjs/files';

/** Hugging Face shard indexes are opened by the registry itself (shardIndex.ts), not by a reader. */
export const SHARD_INDEX_FILES: readonly FileClaim[] = [{ pattern: '*.index.json', editor: 'option' }];

/**
 * Every file name QuantLens reads: each reader's `files` plus the shard index. Collected from
 * each format's files.ts rather than from READERS so the extension host uses it without
 * bundling the readers; test/unit/manifest/readers.test.ts checks it against READERS and package.json.
 */
export const FILE_CLAIMS: readonly FileClaim[] = [
  ...SAFETENSORS_FILES, ...TFJS_FILES, ...GGUF_FILES, ...ONNX_FILES, ...PYTORCH_FILES, ...NUMPY_FILES, ...SHARD_INDEX_FILES,
];

/** True when the inspector is the default editor for this file (see EditorPriority). */
export function opensByDefault(file: string): boolean {
  return isClaimedBy(FILE_CLAIMS.filter((c) => c.editor === 'default'), file);
}

/** The extensions (without the dot) of every claimed name, once each: an open-file dialog's filter. */
export function claimedExtensions(): string[] {
  return [...new Set(FILE_CLAIMS.map((c) => c.pattern.slice(c.pattern.lastIndexOf('.') + 1).toLowerCase()))];
}
