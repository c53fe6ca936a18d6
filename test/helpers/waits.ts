/**
 * How long a test waits on a condition (a child process to start, a run to finish, a connection to
 * close) before calling it hung. A guard against hangs, never a measure of speed: on a machine
 * loaded several times over (`npm test` beside four CPU hogs on 2 cores) a process start alone can
 * take many seconds, and a condition that holds returns at once however long the limit. Speed is
 * measured in benches (`npm run bench`), not here.
 */
export const HANG_MS = 90_000;
