/**
 * The UI's HTML frame (the layout with its top bar) and its small pages (sign-in, errors, the OAuth
 * approval), as Handlebars templates of an isolated instance (view-engine.ts): `{{value}}` is always
 * HTML-escaped; the only unescaped output, `{{{html}}}`, is what the renderer produced (the same
 * sanitised HTML `/render` answers) or a view's own already-built HTML.
 */
import { hbs } from './view-engine.js';

const layout = hbs.compile(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · Timeline</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/assets/app.css">
<script src="/ui/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="bar">
  <a class="brand" href="{{brandHref}}">Timeline</a>
  {{#if where}}
  <nav class="sections" aria-label="Sections">
    <ul>{{#each nav}}<li><a href="{{href}}"{{#if current}} aria-current="page"{{/if}}>{{label}}</a></li>{{/each}}</ul>
  </nav>
  <div class="where">
    {{#if where.choices}}
    <form method="get" action="{{where.switchAction}}" class="portal-switch">
      <label for="portal-pick">Portal</label>
      <select id="portal-pick" name="portalId">{{#each where.choices}}<option value="{{id}}"{{#if selected}} selected{{/if}}>{{id}}</option>{{/each}}</select>
      <button type="submit" class="small">Switch</button>
    </form>
    {{else}}
    <span class="portal">Portal <strong>{{where.portalId}}</strong></span>
    {{/if}}
    <span class="tz" title="The portal's time zone: every date and time here is in it">{{where.timeZone}}</span>
  </div>
  <form method="post" action="/ui/logout" class="signout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="small">Sign out</button></form>
  {{/if}}
</header>
<main id="main" tabindex="-1">
{{{body}}}
</main>
</body>
</html>`);

export const views = {
  login: hbs.compile(`<h1>Sign in</h1>
<p>Give a portal's private-app token, or the admin token and the portal ids to open. The server keeps the session; this browser keeps only its id, until it closes.</p>
{{#if error}}<p class="error" role="alert">{{error}}</p>{{/if}}
<form method="post" action="/ui/login" class="stack">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="next" value="{{next}}">
  <label for="token">Private-app token or admin token</label>
  <input id="token" name="token" type="password" autocomplete="off" required>
  <label for="portalId">Portal ids <span class="hint">(with the admin token only; several separated by commas)</span></label>
  <input id="portalId" name="portalId" inputmode="numeric" pattern="[0-9, ]*" value="{{portalId}}">
  <button type="submit">Sign in</button>
</form>`),

  approval: hbs.compile(`<h1>Connect app {{appId}}</h1>
<p>It asks for:</p>
<ul>{{#each scopes}}<li><code>{{this}}</code></li>{{/each}}</ul>
{{#if error}}<p class="error" role="alert">{{error}}</p>{{/if}}
{{#if portals}}
<form method="post" action="/oauth/authorize" class="stack">
  <input type="hidden" name="csrf" value="{{csrf}}">
  {{#each hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/each}}
  <label for="portal_id">Portal (HubSpot account) to install it into</label>
  <select id="portal_id" name="portal_id">{{#each portals}}<option value="{{id}}"{{#if selected}} selected{{/if}}>{{id}}</option>{{/each}}</select>
  <button type="submit">Connect app</button>
</form>
{{else}}
<p>Only someone signed in to the portal it is installed into may approve it.</p>
<p><a href="{{signInLink}}">Sign in to approve</a></p>
{{/if}}`),

  error: hbs.compile(`<h1>{{title}}</h1><p>{{message}}</p>
{{#if action}}<p><a href="{{action.href}}">{{action.label}}</a></p>{{/if}}`),
};

/** Where a signed-in page is: its portal and time zone, and the portals the session may switch to. */
export interface Where {
  portalId: number;
  timeZone: string;
  /** The session's portals, when it holds more than one. */
  choices?: { id: number; selected: boolean }[];
  /** The page a switch goes to (the same section, in the chosen portal). */
  switchAction: string;
}

export interface PageOptions {
  title: string;
  body: string;
  /** Signed-in pages show where they are, the sections and sign-out. */
  where?: Where;
  nav?: { href: string; label: string; current: boolean }[];
  brandHref?: string;
  /** The CSRF token of the page's forms (browser-session.ts). */
  csrf: string;
  /** Kept for callers that say a page is not signed in; `where` decides. */
  signedIn?: boolean;
}

export function page(options: PageOptions): string {
  return layout({ brandHref: '/ui', ...options });
}
