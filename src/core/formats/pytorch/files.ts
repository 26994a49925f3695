import type { FileClaim } from '../fileClaim';

/** torch.save writes any name; these are the usual ones, shared with other tools (`.bin`), so only offered. */
export const PYTORCH_FILES: readonly FileClaim[] = [
  { pattern: '*.pt', editor: 'option' },
  { pattern: '*.pth', editor: 'option' },
  { pattern: '*.bin', editor: 'option' },
  { pattern: '*.ckpt', editor: 'option' },
];

/** Names torch.save zips also get (`checkpoint.pth.tar`, `.pkl`), too generic to claim: they only help the sniff. */
export const TORCH_SNIFF_ONLY_NAMES = /\.(tar|pkl)$/i;
