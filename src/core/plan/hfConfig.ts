import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../errors';
import { isRecord, parseJsonText } from '../formats/jsonText';

/** Real config.json files are a few kilobytes; anything near this is not one. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export type HfConfig = Readonly<Record<string, unknown>>;

/** The Hugging Face config.json beside a model's weights (architecture, layers, heads, experts). */
export async function readHfConfig(weightsFile: string): Promise<HfConfig> {
  const config = await readHfConfigIfAny(weightsFile);
  if (config === null) {
    throw new FormatError('safetensors', `planning a Hugging Face model needs its config.json beside the weights (${path.join(path.dirname(weightsFile), 'config.json')} not found)`);
  }
  return config;
}

/** The config.json beside a model's weights, or null when there is none. */
export async function readHfConfigIfAny(weightsFile: string): Promise<HfConfig | null> {
  const file = path.join(path.dirname(weightsFile), 'config.json');
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_CONFIG_BYTES) throw new FormatError('config.json', `${stat.size} bytes exceed the limit of ${MAX_CONFIG_BYTES}`, 0, file);
    bytes = await fs.readFile(file);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    return null;
  }
  const config = parseJsonText(bytes, 'config.json', 'config.json', 0);
  if (!isRecord(config)) throw new FormatError('config.json', 'is not a JSON object', 0, file);
  return config;
}
