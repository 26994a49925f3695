/** An error as a panel shows it, in place of what failed (one line, with the format and byte offset where known). */
export interface PanelError {
  readonly message: string;
  readonly format?: string;
  /** Byte offset of the problem in a corrupt file. */
  readonly offset?: number;
}
