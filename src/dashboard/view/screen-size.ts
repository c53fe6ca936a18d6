/** Rows and columns the screens get, from the terminal size; shared by the frame and the reducer. */
export function screenSize(size: { columns: number; rows: number }): { width: number; body: number } {
  const width = Math.max(40, size.columns);
  // One row short of the terminal, so Ink never clears the whole screen to redraw (flicker);
  // header and two footer lines come off the rest.
  const height = Math.max(10, size.rows - 1);
  return { width, body: height - 3 };
}

/** Lines of a paned screen's focused pane that fit below its title and tabs. */
export function paneRoom(body: number, titleLines: number): number {
  return Math.max(3, body - titleLines - 1);
}
