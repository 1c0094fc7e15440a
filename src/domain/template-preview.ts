/**
 * A template's preview: its header and detail rendered by the same renderer as stored events, from
 * values someone gives (the page's form), from sample values made from the template's own tokens,
 * or from one of its events. What is given is bounded before anything renders.
 */
import type { EventRendering } from './event-rendering.js';
import type { EventTemplate, TemplateToken, TimelineEvent } from './types.js';

/** *Ours*: the longest token value a preview takes, in characters. */
export const MAX_PREVIEW_VALUE = 2_000;
/** *Ours*: the longest `extraData` (JSON text) a preview takes, in characters. */
export const MAX_PREVIEW_EXTRA_DATA = 20_000;

/** What the preview renders: token values, `extraData` as JSON text, and a timestamp. */
export interface PreviewInput {
  tokens: Record<string, string>;
  extraData: string;
  timestamp: number;
}

export interface PreviewResult {
  header: string;
  detail: string;
  /** Why nothing rendered, in words for the page. */
  problem?: string;
}

function sampleValue(token: TemplateToken, now: number): string {
  switch (token.type) {
    case 'number':
      return '42';
    case 'date':
      return String(now);
    case 'enumeration':
      return token.options[0]?.value ?? '';
    default:
      return token.label || token.name;
  }
}

/**
 * `extraData` with a value at each `extraData.a.b` path the templates name (the path's last name as
 * its value), so a detail template shows something where it reads extraData.
 */
function sampleExtraData(template: EventTemplate): unknown {
  const source = `${template.headerTemplate ?? ''}\n${template.detailTemplate ?? ''}`;
  const root: Record<string, unknown> = Object.create(null);
  let paths = 0;
  for (const match of source.matchAll(/extraData((?:\.[A-Za-z_$][\w$]*)+)/g)) {
    if (++paths > 100) break;
    const names = (match[1] ?? '').split('.').slice(1);
    let node = root;
    names.forEach((name, i) => {
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') return;
      if (i === names.length - 1) {
        if (!Object.hasOwn(node, name)) node[name] = name;
        return;
      }
      let child = node[name];
      if (typeof child !== 'object' || child === null) {
        child = Object.create(null);
        node[name] = child;
      }
      node = child as Record<string, unknown>;
    });
  }
  return Object.keys(root).length === 0 ? undefined : root;
}

/** Sample values for every token of the template, as HubSpot's own preview fills them. */
export function sampleInput(template: EventTemplate, now: number): PreviewInput {
  const tokens: Record<string, string> = {};
  for (const token of template.tokens) tokens[token.name] = sampleValue(token, now);
  const extraData = sampleExtraData(template);
  return {
    tokens,
    extraData: extraData === undefined ? '' : JSON.stringify(extraData, null, 2),
    timestamp: now,
  };
}

/** The values of a stored event, as the form shows them. */
export function eventInput(template: EventTemplate, event: TimelineEvent): PreviewInput {
  const tokens: Record<string, string> = {};
  for (const token of template.tokens) tokens[token.name] = event.tokens[token.name] ?? '';
  return {
    tokens,
    extraData: event.extraData === undefined ? '' : JSON.stringify(event.extraData, null, 2),
    timestamp: event.timestamp,
  };
}

/** Renders the header and the detail (bounded as every render), or says why it could not. */
export async function renderPreview(
  rendering: EventRendering,
  template: EventTemplate,
  input: PreviewInput,
  timeZone: string,
): Promise<PreviewResult> {
  const tokens: Record<string, string> = {};
  for (const token of template.tokens) {
    const value = input.tokens[token.name] ?? '';
    if (value.length > MAX_PREVIEW_VALUE)
      return {
        header: '',
        detail: '',
        problem: `${token.name} is longer than ${MAX_PREVIEW_VALUE} characters.`,
      };
    tokens[token.name] = value;
  }
  let extraData: unknown;
  if (input.extraData.trim() !== '') {
    if (input.extraData.length > MAX_PREVIEW_EXTRA_DATA)
      return {
        header: '',
        detail: '',
        problem: `extraData is longer than ${MAX_PREVIEW_EXTRA_DATA} characters.`,
      };
    try {
      extraData = JSON.parse(input.extraData);
    } catch {
      return { header: '', detail: '', problem: 'extraData is not JSON.' };
    }
  }
  const event = { tokens, timestamp: input.timestamp, ...(extraData === undefined ? {} : { extraData }) };
  const [header, detail] = await Promise.all([
    rendering.renderUnstored(template, event, 'header', timeZone),
    rendering.renderUnstored(template, event, 'detail', timeZone),
  ]);
  const failure = header.failure ?? detail.failure;
  if (failure !== undefined) return { header: '', detail: '', problem: `Not shown: ${failure.message}` };
  return { header: header.html ?? '', detail: detail.html ?? '' };
}
