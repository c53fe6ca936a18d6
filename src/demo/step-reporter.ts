/**
 * Progress of the demo, one line per step on stderr (stdout stays clean for --json). On a TTY the
 * running step is redrawn in place with its live detail; in pipes and CI each step prints once
 * when it finishes, so logs stay readable.
 */
export interface StepReporter {
  start(title: string): void;
  /** Live detail of the running step (e.g. "120/600 cases"); ignored off a TTY. */
  detail(text: string): void;
  done(summary: string): void;
  fail(reason: string): void;
}

export function createStepReporter(
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  total: number,
  now: () => number,
): StepReporter {
  let index = 0;
  let title = '';
  let started = 0;
  const tty = out.isTTY === true;
  const prefix = () => `[${index}/${total}] ${title}`;
  const seconds = () => `${((now() - started) / 1000).toFixed(1)}s`;
  // A live line must fit the terminal: one that wraps cannot be redrawn in place with \r.
  const fit = (line: string) => {
    const width = Math.max(20, (out.columns ?? 80) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  return {
    start(t) {
      index++;
      title = t;
      started = now();
      if (tty) out.write(fit(`${prefix()} …`));
    },
    detail(text) {
      if (tty) out.write(`\r\x1b[K${fit(`${prefix()} … ${text}`)}`);
    },
    done(summary) {
      out.write(`${tty ? '\r\x1b[K' : ''}${prefix()}: ${summary} (${seconds()})\n`);
    },
    fail(reason) {
      out.write(`${tty ? '\r\x1b[K' : ''}${prefix()}: FAILED after ${seconds()}: ${reason}\n`);
    },
  };
}
