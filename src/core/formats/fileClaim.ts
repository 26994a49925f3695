/**
 * 'default': the inspector opens the file when it is clicked; 'option': it is offered by
 * "Reopen Editor With..." only, for names other tools share (`.bin`, `.pt`, `*.index.json`).
 */
export type EditorPriority = 'default' | 'option';

/**
 * A file name QuantLens reads. `pattern` is a VS Code `filenamePattern` where `*` stands for
 * any characters, matched case-insensitively against the base name as VS Code does.
 */
export interface FileClaim {
  readonly pattern: string;
  readonly editor: EditorPriority;
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

function patternRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/** True when the file's base name matches one of the claims. */
export function isClaimedBy(claims: readonly FileClaim[], file: string): boolean {
  const name = baseName(file);
  return claims.some((c) => patternRegExp(c.pattern).test(name));
}
