/**
 * JSON Schema of HubSpot's ObjectSchemaEgg (`POST /crm/v3/schemas`): the fields its spec requires
 * (`name`, `labels`, `properties`, `requiredProperties`, `associatedObjects`) and their types.
 */
const stringList = { type: 'array', items: { type: 'string' } } as const;

/** HubSpot's property types for custom object properties. */
export const SCHEMA_PROPERTY_TYPES = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'] as const;

const propertyCreate = {
  type: 'object',
  required: ['name', 'label', 'type', 'fieldType'],
  properties: {
    name: { type: 'string', minLength: 1 },
    label: { type: 'string' },
    type: { type: 'string', enum: SCHEMA_PROPERTY_TYPES },
    fieldType: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    groupName: { type: 'string' },
    hasUniqueValue: { type: 'boolean' },
    hidden: { type: 'boolean' },
    displayOrder: { type: 'integer' },
    options: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'value'],
        properties: { label: { type: 'string' }, value: { type: 'string' } },
      },
    },
  },
} as const;

export const objectSchemaCreateBody = {
  type: 'object',
  required: ['name', 'labels', 'properties', 'requiredProperties', 'associatedObjects'],
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    labels: {
      type: 'object',
      required: ['singular', 'plural'],
      properties: { singular: { type: 'string' }, plural: { type: 'string' } },
    },
    primaryDisplayProperty: { type: 'string' },
    secondaryDisplayProperties: stringList,
    searchableProperties: stringList,
    requiredProperties: stringList,
    associatedObjects: stringList,
    properties: { type: 'array', items: propertyCreate },
  },
} as const;
