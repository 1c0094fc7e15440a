/** Reading and writing a directory of template files (one JSON file per template). */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../../make-folder.js';
import { CliError, usageError } from '../cli-error.js';
import { documentText, type TemplateDocument, toDocument } from './template-document.js';

/** `signup-webinar-12.json`: readable, and unique even when two templates share a name. */
export function fileName(doc: TemplateDocument): string {
  const slug =
    doc.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'template';
  return `${slug}-${doc.id ?? 'new'}.json`;
}

function jsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    throw usageError(
      `cannot read the directory '${dir}'`,
      'give the directory of template files (templates pull DIR writes one)',
    );
  }
}

export function readTemplateDir(dir: string): { file: string; doc: TemplateDocument }[] {
  return jsonFiles(dir).map((file) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new CliError(
        `${join(dir, file)} is not JSON: ${(error as Error).message}`,
        'fix the file, or move it out of the directory',
      );
    }
    const wire = parsed as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null || typeof wire.name !== 'string' || wire.name === '') {
      throw new CliError(
        `${join(dir, file)} is not an event template: it needs at least a "name"`,
        'see a file written by templates pull for the shape',
      );
    }
    if (wire.tokens !== undefined && !Array.isArray(wire.tokens)) {
      throw new CliError(
        `${join(dir, file)}: "tokens" must be an array`,
        'write tokens as [{"name": ..., "label": ..., "type": ...}]',
      );
    }
    return { file, doc: toDocument(wire) };
  });
}

/**
 * Writes one file per template and removes the files of templates that are gone (any other JSON
 * file carrying an id): the directory mirrors the app. Files without an id, written by hand, stay.
 */
export function writeTemplateDir(
  dir: string,
  docs: readonly TemplateDocument[],
): { written: string[]; removed: string[] } {
  makeFolder(dir);
  const written = docs.map((doc) => {
    const name = fileName(doc);
    writeFileSync(join(dir, name), documentText(doc));
    return name;
  });
  const removed: string[] = [];
  for (const file of jsonFiles(dir)) {
    if (written.includes(file)) continue;
    try {
      const old = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { id?: unknown };
      if (old.id !== undefined) {
        rmSync(join(dir, file));
        removed.push(file);
      }
    } catch {
      // Not JSON: not ours to remove.
    }
  }
  return { written, removed };
}
