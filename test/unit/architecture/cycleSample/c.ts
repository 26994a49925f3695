/** Imported by a.ts but importing nothing: outside any loop. */
export class C {}
