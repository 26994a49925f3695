import { describe, InvalidMessage, isPlainObject, literal, object } from './decoders';

/** A message union: every member tagged by `type`. */
export interface Tagged {
  readonly type: string;
}

/**
 * One validator per message type of a webview protocol `M`, given what the panel knows (`Ctx`,
 * e.g. its tensor names). Keyed by M's tags, so a message type added without a validator does
 * not compile. A validator returns the message rebuilt from checked fields, or throws InvalidMessage.
 */
export type MessageValidators<M extends Tagged, Ctx> = {
  readonly [K in M['type']]: (raw: Readonly<Record<string, unknown>>, ctx: Ctx) => Extract<M, { readonly type: K }>;
};

export type Validation<M> = { readonly ok: true; readonly message: M } | { readonly ok: false; readonly problem: string };

/** Checks what a webview posted; never throws (a validator's own bug included: it is a refusal too). */
export function validateMessage<M extends Tagged, Ctx>(raw: unknown, validators: MessageValidators<M, Ctx>, ctx: Ctx): Validation<M> {
  if (!isPlainObject(raw)) return { ok: false, problem: `not a message object: ${describe(raw)}` };
  const type = Object.hasOwn(raw, 'type') ? raw['type'] : undefined;
  if (typeof type !== 'string') return { ok: false, problem: `message without a string type: ${describe(type)}` };
  // hasOwn: a tag like "constructor" or "__proto__" must not find Object.prototype's members.
  if (!Object.hasOwn(validators, type)) return { ok: false, problem: `unknown message type ${describe(type)}` };
  const validate = validators[type as M['type']];
  try {
    return { ok: true, message: validate(raw, ctx) };
  } catch (e) {
    const why = e instanceof InvalidMessage ? e.message : `validator failed: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, problem: `${type}: ${why}` };
  }
}

/** The validator of a message that has no field but its tag. */
export function bare<const T extends string>(type: T): (raw: unknown) => { type: T } {
  return (raw) => object({ type: literal(type) })(raw, 'message');
}
