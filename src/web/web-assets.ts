/** The UI's one stylesheet and one script, served from memory (CSP: from this server only). */
import { JS } from './web-script.js';
import { CSS } from './web-style.js';

export const WEB_ASSETS: Record<string, { type: string; body: string }> = {
  'app.css': { type: 'text/css; charset=utf-8', body: CSS },
  'app.js': { type: 'text/javascript; charset=utf-8', body: JS },
};
