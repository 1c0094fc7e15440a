/**
 * The UI's HTML, as Handlebars templates of an isolated instance: `{{value}}` is always
 * HTML-escaped; the only unescaped output, `{{{html}}}`, is what the renderer produced (the same
 * sanitised HTML `/render` answers) or a view's own already-built HTML.
 */
import Handlebars from 'handlebars';

const hbs = Handlebars.create();

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
  <a class="brand" href="/ui/records/contacts">Timeline</a>
  {{#if signedIn}}
  <nav aria-label="Object types">
    <ul>{{#each objectTypes}}<li><a href="/ui/records/{{this}}"{{#if (eq this ../objectType)}} aria-current="page"{{/if}}>{{this}}</a></li>{{/each}}</ul>
  </nav>
  <form method="post" action="/ui/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
  {{/if}}
</header>
<main id="main" tabindex="-1">
{{{body}}}
</main>
</body>
</html>`);

hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);

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

  records: hbs.compile(`<h1>{{objectType}} with events</h1>
<form method="get" action="/ui/records/{{objectType}}" class="search" role="search">
  <label for="q">Search by email, domain or id</label>
  <input id="q" name="q" type="search" value="{{q}}">
  <button type="submit">Search</button>
</form>
{{#if records.length}}
<table class="records">
  <caption class="visually-hidden">{{objectType}} by latest activity</caption>
  <thead><tr><th scope="col">Record</th><th scope="col">Events</th><th scope="col">Latest activity</th></tr></thead>
  <tbody>
  {{#each records}}
    <tr>
      <th scope="row"><a href="/ui/records/{{../objectType}}/{{id}}">{{label}}</a> <span class="hint">#{{id}}</span></th>
      <td>{{eventCount}}<span class="unit"> events</span></td>
      <td><time datetime="{{lastEventAt}}">{{lastEventAtText}}</time></td>
    </tr>
  {{/each}}
  </tbody>
</table>
{{else}}
<p>No {{objectType}} with events{{#if q}} match “{{q}}”{{/if}}.</p>
{{/if}}
{{#if next}}<p><a href="/ui/records/{{objectType}}?{{next}}">Next page</a></p>{{/if}}`),

  timeline: hbs.compile(`<p><a href="/ui/records/{{objectType}}">← All {{objectType}}</a></p>
<h1>{{label}} <span class="hint">#{{objectId}}</span></h1>
<section id="timeline" aria-live="polite" data-poll="/ui/records/{{objectType}}/{{objectId}}/events-fragment" data-top="{{top}}">
{{{eventsHtml}}}
</section>
<dialog id="iframe-dialog" aria-labelledby="iframe-title">
  <div class="dialog-head"><h2 id="iframe-title"></h2><button type="button" data-close>Close</button></div>
  <iframe title="Event content" sandbox="allow-scripts allow-forms allow-popups"></iframe>
</dialog>`),

  events: hbs.compile(`{{#each days}}
<h2 class="day"><time datetime="{{date}}">{{label}}</time></h2>
<ol class="events">
{{#each events}}
  <li>
    <article class="event" id="event-{{key}}" data-key="{{key}}">
      <p class="meta"><a href="/ui/templates/{{templateId}}">{{templateName}}</a> · <time datetime="{{timestamp}}">{{time}}</time></p>
      <div class="header">{{#if headerError}}<p class="render-failed">Not shown: {{headerError}}</p>{{else}}{{{header}}}{{/if}}</div>
      {{#if detailError}}
      <details><summary>Details</summary><div class="detail"><p class="render-failed">Not shown: {{detailError}}</p></div></details>
      {{else if detail}}
      <details><summary>Details</summary><div class="detail">{{{detail}}}</div></details>
      {{/if}}
      {{#if iframe}}
      <button type="button" class="iframe-link" data-url="{{iframe.url}}" data-width="{{iframe.width}}" data-height="{{iframe.height}}" data-title="{{iframe.headerLabel}}">{{iframe.linkLabel}}</button>
      {{/if}}
    </article>
  </li>
{{/each}}
</ol>
{{else}}
<p>No events yet.</p>
{{/each}}
{{#if more}}<p class="hint">Showing the newest {{shown}} events.</p>{{/if}}`),

  template: hbs.compile(`<h1>{{template.name}}</h1>
<dl class="facts">
  <dt>Template id</dt><dd>{{template.id}}</dd>
  <dt>Object type</dt><dd>{{template.objectType}}</dd>
</dl>
<h2>Header template</h2>
<pre>{{template.headerTemplate}}</pre>
<h2>Detail template</h2>
<pre>{{template.detailTemplate}}</pre>
<h2>Tokens</h2>
{{#if template.tokens.length}}
<table>
  <thead><tr><th scope="col">Name</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Options</th><th scope="col">Record property</th></tr></thead>
  <tbody>
  {{#each template.tokens}}
  <tr><th scope="row"><code>{{name}}</code></th><td>{{label}}</td><td>{{type}}</td><td>{{#each options}}{{label}} ({{value}}){{#unless @last}}, {{/unless}}{{/each}}</td><td>{{objectPropertyName}}</td></tr>
  {{/each}}
  </tbody>
</table>
{{else}}<p>No tokens.</p>{{/if}}`),

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

  error: hbs.compile(
    `<h1>{{title}}</h1><p>{{message}}</p><p><a href="/ui/records/contacts">Back to records</a></p>`,
  ),
};

export interface PageOptions {
  title: string;
  body: string;
  signedIn: boolean;
  objectType?: string;
  /** The CSRF token of the page's forms (browser-session.ts). */
  csrf: string;
}

export function page(options: PageOptions): string {
  return layout({ ...options, objectTypes: ['contacts', 'companies', 'deals', 'tickets'] });
}
