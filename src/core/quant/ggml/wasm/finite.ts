/** The round trips' input check: non-finite values become 0 in place, and whether there were any is kept. */
import { f32x4, forRange, Func, get, I32, i32, i32x4, set, v128, V128, type Local } from './asm';
import { FLAGS } from './lanes';

/** Values per loop turn: 4 groups' worth of the callers' 32-value sub-blocks (the kernel signature's unit). */
const GROUP = 128;

/**
 * finite(x, _, _, _, groups): x - x is 0 for a finite x and NaN otherwise; such values are zeroed and
 * the lanes that saw one are OR-ed into the vector at FLAGS (all zero when every value was finite).
 */
export function finiteKernel(name: string): Func {
  const f = new Func(name, [I32, I32, I32, I32, I32]);
  const [x, , , , groups] = [0, 1, 2, 3, 4].map((i) => f.param(i)) as [Local, Local, Local, Local, Local];
  const end = f.local(I32);
  const [v, bad, seen] = [0, 1, 2].map(() => f.local(V128)) as [Local, Local, Local];
  f.body = [
    set(seen, i32x4.const(0)),
    set(end, i32.add(get(x), i32.mul(get(groups), i32.const(4 * GROUP)))),
    forRange(x, get(x), get(end), 16,
      set(v, v128.load(get(x))),
      set(bad, f32x4.ne(f32x4.sub(get(v), get(v)), f32x4.const(0))),
      v128.store(get(x), v128.andnot(get(v), get(bad))),
      set(seen, v128.or(get(seen), get(bad)))),
    v128.store(i32.const(FLAGS), get(seen)),
  ];
  return f;
}
