// Importing this module registers every format reader and ggml type.
export { openModel, READERS } from './registry';
