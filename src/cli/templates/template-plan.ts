/**
 * What a push must do to make the app match the files: create, update (with each token change
 * named), and with prune archive (HubSpot's word for DELETE of a template). A file is matched to a
 * target template by its id, else by its name (so a directory pulled from one portal, or written by
 * hand without ids, pushes to another without duplicates); matched and equal means nothing to do.
 */
import type { TemplateDocument, TokenDocument } from './template-document.js';

export type PlanStep =
  | { kind: 'create'; file: string; doc: TemplateDocument }
  | {
      kind: 'update';
      file: string;
      id: string;
      doc: TemplateDocument;
      changes: string[];
      retypedTokens: string[];
    }
  | { kind: 'archive'; id: string; name: string }
  | { kind: 'conflict'; file: string; reason: string };

export interface Plan {
  steps: PlanStep[];
  unchanged: number;
}

export function planPush(
  files: readonly { file: string; doc: TemplateDocument }[],
  target: readonly TemplateDocument[],
  prune: boolean,
): Plan {
  const matched = new Set<string>();
  const steps: PlanStep[] = [];
  let unchanged = 0;
  const conflicts = duplicateFiles(files);
  for (const { file, doc } of files) {
    const duplicate = conflicts.get(file);
    if (duplicate !== undefined) {
      steps.push({ kind: 'conflict', file, reason: duplicate });
      continue;
    }
    const current =
      target.find((t) => doc.id !== undefined && t.id === doc.id) ??
      target.find((t) => t.name === doc.name && t.objectType === doc.objectType && !matched.has(t.id ?? ''));
    if (!current?.id) {
      steps.push({ kind: 'create', file, doc });
      continue;
    }
    matched.add(current.id);
    if (current.objectType !== doc.objectType) {
      steps.push({
        kind: 'conflict',
        file,
        reason: `template ${current.id} is a ${current.objectType} template and HubSpot cannot change objectType; remove "id" from the file to create a new ${doc.objectType} template instead`,
      });
      continue;
    }
    const { changes, retypedTokens } = differences(current, doc);
    if (changes.length === 0) unchanged += 1;
    else steps.push({ kind: 'update', file, id: current.id, doc, changes, retypedTokens });
  }
  if (prune) {
    for (const t of target)
      if (t.id !== undefined && !matched.has(t.id)) steps.push({ kind: 'archive', id: t.id, name: t.name });
  }
  return { steps, unchanged };
}

function differences(
  current: TemplateDocument,
  wanted: TemplateDocument,
): { changes: string[]; retypedTokens: string[] } {
  const changes: string[] = [];
  const retypedTokens: string[] = [];
  if (current.name !== wanted.name)
    changes.push(`name ${JSON.stringify(current.name)} -> ${JSON.stringify(wanted.name)}`);
  for (const field of ['headerTemplate', 'detailTemplate'] as const) {
    if ((current[field] ?? '') !== (wanted[field] ?? '')) changes.push(`${field} changed`);
  }
  const before = new Map(current.tokens.map((t) => [t.name, t]));
  const after = new Map(wanted.tokens.map((t) => [t.name, t]));
  for (const [name, token] of after) {
    const old = before.get(name);
    if (!old) changes.push(`token +${name} (${token.type})`);
    else if (old.type !== token.type) {
      // HubSpot never changes a token's type: the token is deleted and created again.
      changes.push(`token ~${name}: type ${old.type} -> ${token.type} (deleted and re-created)`);
      retypedTokens.push(name);
    } else {
      const fields = tokenChanges(old, token);
      if (fields.length > 0) changes.push(`token ~${name}: ${fields.join(', ')}`);
    }
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`token -${name}`);
  return { changes, retypedTokens };
}

function tokenChanges(old: TokenDocument, token: TokenDocument): string[] {
  const fields: string[] = [];
  if (old.label !== token.label)
    fields.push(`label ${JSON.stringify(old.label)} -> ${JSON.stringify(token.label)}`);
  if (JSON.stringify(old.options ?? []) !== JSON.stringify(token.options ?? []))
    fields.push('options changed');
  if ((old.objectPropertyName ?? '') !== (token.objectPropertyName ?? '')) {
    fields.push(
      `objectPropertyName ${JSON.stringify(old.objectPropertyName ?? null)} -> ${JSON.stringify(token.objectPropertyName ?? null)}`,
    );
  }
  return fields;
}

export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'create':
      return `+ create ${JSON.stringify(step.doc.name)} (${step.doc.objectType}, ${step.doc.tokens.length} tokens) from ${step.file}`;
    case 'update':
      return `~ update ${step.id} ${JSON.stringify(step.doc.name)} from ${step.file}:\n${step.changes.map((c) => `    ${c}`).join('\n')}`;
    case 'archive':
      return `- archive ${step.id} ${JSON.stringify(step.name)} (no file has it; --prune)`;
    case 'conflict':
      return `! cannot apply ${step.file}: ${step.reason}`;
  }
}

/**
 * Files that stand for a template another file already stands for, with why: the same id; or, for
 * a file without id (matched by name), the same name and type as an earlier file without id or as
 * any file with an id. Both would be applied, the second duplicating or undoing the first.
 */
function duplicateFiles(files: readonly { file: string; doc: TemplateDocument }[]): Map<string, string> {
  const nameKey = (doc: TemplateDocument) => `${JSON.stringify(doc.name)} (${doc.objectType})`;
  const byId = new Map<string, string>();
  const namedWithId = new Map<string, string>();
  for (const { file, doc } of files) {
    if (doc.id === undefined) continue;
    if (!namedWithId.has(nameKey(doc))) namedWithId.set(nameKey(doc), file);
  }
  const byName = new Map<string, string>();
  const found = new Map<string, string>();
  for (const { file, doc } of files) {
    if (doc.id !== undefined) {
      const earlier = byId.get(doc.id);
      if (earlier === undefined) byId.set(doc.id, file);
      else {
        found.set(
          file,
          `${earlier} has the same "id" ${doc.id}: delete one of the two files, or remove "id" from a copy to create a new template`,
        );
      }
      continue;
    }
    const earlier = namedWithId.get(nameKey(doc)) ?? byName.get(nameKey(doc));
    if (earlier === undefined) byName.set(nameKey(doc), file);
    else {
      found.set(
        file,
        `${earlier} already stands for the template named ${nameKey(doc)}; a file without "id" is matched by its name: delete one of the two files, or rename this one`,
      );
    }
  }
  return found;
}
