/**
 * A template as kept in a file under version control: HubSpot's TimelineEventTemplate fields that
 * a user writes (id, name, objectType, the two templates, tokens), in one fixed key order, tokens
 * sorted by name, without createdAt/updatedAt (they change on every push and would make every
 * diff noisy). The same shape is compared against the target to plan a push.
 */
export interface TokenDocument {
  name: string;
  label: string;
  type: string;
  options?: { label: string; value: string }[];
  objectPropertyName?: string;
}

export interface TemplateDocument {
  id?: string;
  name: string;
  objectType: string;
  headerTemplate?: string;
  detailTemplate?: string;
  tokens: TokenDocument[];
}

type Json = Record<string, unknown>;

function token(wire: Json): TokenDocument {
  const out: TokenDocument = {
    name: String(wire.name),
    label: String(wire.label ?? wire.name),
    type: String(wire.type),
  };
  // HubSpot answers `options: []` for every non-enumeration token: only an enumeration's matter.
  if (out.type === 'enumeration' && Array.isArray(wire.options)) {
    out.options = (wire.options as Json[]).map((o) => ({ label: String(o.label), value: String(o.value) }));
  }
  if (typeof wire.objectPropertyName === 'string') out.objectPropertyName = wire.objectPropertyName;
  return out;
}

/** The document of a template as the API answers it (or as a file holds it), in stable form. */
export function toDocument(wire: Json): TemplateDocument {
  const doc: TemplateDocument = {
    name: String(wire.name),
    objectType: typeof wire.objectType === 'string' ? wire.objectType : 'contacts',
    tokens: [],
  };
  if (wire.id !== undefined && wire.id !== null) doc.id = String(wire.id);
  if (typeof wire.headerTemplate === 'string') doc.headerTemplate = wire.headerTemplate;
  if (typeof wire.detailTemplate === 'string') doc.detailTemplate = wire.detailTemplate;
  doc.tokens = (Array.isArray(wire.tokens) ? (wire.tokens as Json[]) : []).map(token).sort(byName);
  return ordered(doc);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Rebuilds the object with keys in one fixed order, so the file text is the same for equal content. */
function ordered(doc: TemplateDocument): TemplateDocument {
  const out: Omit<TemplateDocument, 'tokens'> = {
    ...(doc.id === undefined ? {} : { id: doc.id }),
    name: doc.name,
    objectType: doc.objectType,
  };
  if (doc.headerTemplate !== undefined) out.headerTemplate = doc.headerTemplate;
  if (doc.detailTemplate !== undefined) out.detailTemplate = doc.detailTemplate;
  const tokens = doc.tokens.map((t) => {
    const o: TokenDocument = { name: t.name, label: t.label, type: t.type };
    if (t.options !== undefined) o.options = t.options;
    if (t.objectPropertyName !== undefined) o.objectPropertyName = t.objectPropertyName;
    return o;
  });
  return { ...out, tokens };
}

export function documentText(doc: TemplateDocument): string {
  return `${JSON.stringify(ordered(doc), null, 2)}\n`;
}

/** The body of a create or update: the document less its id (an update adds the id back). */
export function writeBody(doc: TemplateDocument): Json {
  const { id: _id, ...body } = ordered(doc);
  return body as unknown as Json;
}
