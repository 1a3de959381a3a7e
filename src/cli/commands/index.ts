import type { Command } from 'commander';
import { registerClassify } from './classify.command.js';
import { registerBackfill, registerCollect } from './collect.command.js';
import { registerImport } from './import.command.js';

/** A CLI command registers itself on the program; add each new one to COMMANDS. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerImport,
  registerCollect,
  registerBackfill,
  registerClassify,
];
