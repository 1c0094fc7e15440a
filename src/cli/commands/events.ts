/** The `events` command group. */
import type { Command } from 'commander';
import { registerEventsExport } from './events-export.js';
import { registerEventsImport } from './events-import.js';

export function registerEvents(program: Command): void {
  const events = program.command('events').description('import and export timeline events');
  registerEventsImport(events);
  registerEventsExport(events);
}
