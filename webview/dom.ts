/** Tiny DOM builder: elements with classes, text, attributes and listeners; never a style attribute (CSP). */
type AttrValue = string | number | boolean | undefined;
type Child = Node | string | null | undefined | false;

export interface ElProps {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  readonly on?: { readonly [E in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[E]) => void };
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElProps = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, handler] of Object.entries(props.on ?? {})) {
    node.addEventListener(event, handler as EventListener);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

export function clear(node: Element): void {
  node.replaceChildren();
}
