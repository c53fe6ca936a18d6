import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerReview(_program: Command, _ctx: CliContext): void {}
