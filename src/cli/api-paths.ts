/** HubSpot's path prefix of the v3 timeline API (client 12+ uses it; this server serves both). */
import { V3 } from '../domain/api-versions.js';

export const TEMPLATE_PATH = V3.prefixes[0] as string;
