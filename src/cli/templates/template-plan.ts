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
  // Two files for one template (the same id, or no id and the same name and type) would both be
  // applied, the second undoing or duplicating the first: the second is a conflict.
  const claimedBy = new Map<string, string>();
  for (const { file, doc } of files) {
    const claim =
      doc.id !== undefined ? `id ${doc.id}` : `name ${JSON.stringify(doc.name)} (${doc.objectType})`;
    const earlier = claimedBy.get(claim);
    if (earlier !== undefined) {
      steps.push({
        kind: 'conflict',
        file,
        reason: `${earlier} has the same ${claim}; files without "id" are matched by name: remove one file, or rename it`,
      });
      continue;
    }
    claimedBy.set(claim, file);
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
