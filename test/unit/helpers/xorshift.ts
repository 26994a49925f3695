/** xorshift32 uniforms in [0, 1), so a test's random data (and its failures) reproduce from the seed. */
export function xorshiftUniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
