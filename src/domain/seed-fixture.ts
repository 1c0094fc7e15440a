/**
 * The JSON Schema of a seed fixture (`POST /_admin/v1/seed`, `server.seed`, `--seed FILE`), from
 * which the package's `SeedFixture` type is derived. It says the shape: the sections, each entry's
 * fields and their types. The template and event bodies inside are the public API's, checked by the
 * public API's own rules (in HubSpot's words), so the schema leaves them open; what only the store
 * can say (a portal that exists, an id used twice) is the seed service's.
 */
import Type from 'typebox';
import type { TemplateCreateInput } from './template-service.js';
import { STANDARD_OBJECT_TYPES } from './types.js';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Text = Type.String({ minLength: 1 });
const closed = { additionalProperties: false } as const;

const PortalEntry = Type.Object(
  {
    id: Id,
    timeZone: Type.Optional(Text),
    rateLimit: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  closed,
);

const DeveloperAccountEntry = Type.Object({ apiKey: Text, appIds: Type.Optional(Type.Array(Id)) }, closed);

const AccessTokenEntry = Type.Object(
  {
    token: Text,
    portalId: Type.Optional(Id),
    appId: Type.Optional(Id),
    scopes: Type.Optional(Type.Array(Type.String())),
    /** An app's token (default: it sees its app's events) or the portal's private-app token. */
    kind: Type.Optional(Type.Union([Type.Literal('app'), Type.Literal('private-app')])),
  },
  closed,
);

/** The template create body (checked by the template rules), plus the `ref` events name it by. */
const TemplateEntry = Type.Intersect([
  Type.Object({ ref: Text, appId: Type.Optional(Id) }),
  Type.Unsafe<TemplateCreateInput>({}),
]);

const RecordEntry = Type.Object(
  {
    portalId: Type.Optional(Id),
    objectType: Type.Optional(Type.Enum(STANDARD_OBJECT_TYPES)),
    properties: Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    ),
  },
  closed,
);

/** The event create body without `eventTemplateId` (checked by the event rules), and its template's ref. */
const EventEntry = Type.Intersect([
  Type.Object({ template: Text, portalId: Type.Optional(Id) }),
  Type.Unsafe<Record<string, unknown>>({}),
]);

export const SeedFixtureSchema = Type.Object(
  {
    portals: Type.Optional(Type.Array(PortalEntry)),
    developerAccounts: Type.Optional(Type.Array(DeveloperAccountEntry)),
    accessTokens: Type.Optional(Type.Array(AccessTokenEntry)),
    templates: Type.Optional(Type.Array(TemplateEntry)),
    records: Type.Optional(Type.Array(RecordEntry)),
    events: Type.Optional(Type.Array(EventEntry)),
  },
  closed,
);

/** A seed fixture: see docs/testing.md for every field. */
export type SeedFixture = Type.Static<typeof SeedFixtureSchema>;
export type SeedSection = keyof SeedFixture;
export const SEED_SECTIONS = Object.keys(SeedFixtureSchema.properties) as SeedSection[];
