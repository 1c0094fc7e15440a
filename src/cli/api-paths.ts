/** HubSpot's path prefix of the timeline API (client 12+ uses it; this server serves both). */
export const TEMPLATE_PATH = '/integrators/timeline/v3';
