#!/usr/bin/env node
// Operator CLI: `npm run cli -- <command>` / `npm run init-db` (node dist/src/cli/main.js).
import 'reflect-metadata';
import { runCli } from './program';

/** After a command the process should end on its own; if a stray handle keeps it alive, end it and say so. */
const FORCE_EXIT_AFTER_MS = 5000;

void runCli(process.argv).then((code) => {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write('warning: open handles kept the CLI alive after the command finished; exiting anyway\n');
    process.exit(code);
  }, FORCE_EXIT_AFTER_MS).unref();
});
