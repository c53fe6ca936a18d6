import { InputError } from '../domain/errors.js';
import type { CliContext } from './context.js';

/** Exit codes (DESIGN.md §5): 0 success, 1 runtime failure, 2 bad input. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ExitError) return error.code;
  if (error instanceof InputError) return 2;
  if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === 'commander.invalidArgument') return 2;
  return 1;
}

/** Collect a repeatable option: `--model a --model b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InputError(`${name}: "${value}" is not a whole number`);
    return n;
  };
}

export function parseNumberOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InputError(`${name}: "${value}" is not a number`);
    return n;
  };
}

export function collectInt(name: string) {
  const parse = parseIntOption(name);
  return (value: string, previous: number[] = []): number[] => [...previous, parse(value)];
}

export type Action<A extends unknown[]> = (ctx: CliContext, ...args: A) => Promise<void>;
