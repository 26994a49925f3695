/** Coalesces change notifications into one `render` at the next animation frame. */
export function frameScheduler(render: () => void): () => void {
  let requested = false;
  return () => {
    if (requested) return;
    requested = true;
    requestAnimationFrame(() => {
      requested = false;
      render();
    });
  };
}
