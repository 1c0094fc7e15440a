/**
 * The templates pages: every template the viewer may read (by app, with its events in the portal),
 * and one template: its tokens, its header and detail sources, and a live preview.
 */
import { hbs } from './view-engine.js';

export const templateListView = hbs.compile(`<h1>Event templates</h1>
<p>{{scope}} Events are this portal's ({{portalId}}), counted up to {{cap}} per template.</p>
{{#each apps}}
<section class="app" aria-labelledby="app-{{appId}}">
<h2 id="app-{{appId}}">App {{appId}}</h2>
<table class="cards templates">
  <caption class="visually-hidden">Event templates of app {{appId}}</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Object type</th><th scope="col">Tokens</th><th scope="col">Events</th><th scope="col">Last event</th></tr></thead>
  <tbody>
  {{#each templates}}
  <tr>
    <th scope="row"><a href="{{href}}">{{name}}</a> <span class="hint">#{{id}}</span></th>
    <td data-label="Object type">{{objectType}}</td>
    <td data-label="Tokens">{{tokenCount}}</td>
    <td data-label="Events">{{events}}</td>
    <td data-label="Last event">{{#if last}}<time datetime="{{last.iso}}">{{last.text}}</time>{{else}}<span class="hint">none</span>{{/if}}</td>
  </tr>
  {{/each}}
  </tbody>
</table>
</section>
{{else}}
<p>No event templates{{#if own}} of your app{{/if}} yet.</p>
{{/each}}
{{#if next}}<p><a href="{{next}}">Next page</a></p>{{/if}}`);

export const templatePageView = hbs.compile(`<p><a href="{{listHref}}">← All templates</a></p>
<h1>{{template.name}}</h1>
<dl class="facts">
  <dt>Template id</dt><dd>{{template.id}}</dd>
  <dt>App</dt><dd>{{template.appId}}</dd>
  <dt>Object type</dt><dd>{{template.objectType}}</dd>
  <dt>Events in portal {{portalId}}</dt><dd>{{events}}</dd>
  <dt>Last event</dt><dd>{{#if last}}<time datetime="{{last.iso}}">{{last.text}}</time>{{#if last.recordHref}} on <a href="{{last.recordHref}}">record {{last.objectId}}</a>{{/if}}{{else}}<span class="hint">none</span>{{/if}}</dd>
</dl>
<h2>Tokens</h2>
{{#if template.tokens.length}}
<table class="cards tokens">
  <caption class="visually-hidden">Tokens of {{template.name}}</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Options</th><th scope="col">Record property</th></tr></thead>
  <tbody>
  {{#each template.tokens}}
  <tr><th scope="row"><code>{{name}}</code></th><td data-label="Label">{{label}}</td><td data-label="Type">{{type}}</td><td data-label="Options">{{#each options}}{{label}} ({{value}}){{#unless @last}}, {{/unless}}{{else}}<span class="hint">none</span>{{/each}}</td><td data-label="Record property">{{#if objectPropertyName}}<code>{{objectPropertyName}}</code>{{else}}<span class="hint">none</span>{{/if}}</td></tr>
  {{/each}}
  </tbody>
</table>
{{else}}<p>No tokens.</p>{{/if}}
<h2>Header template</h2>
<pre class="source">{{#if template.headerTemplate}}{{template.headerTemplate}}{{else}}(none){{/if}}</pre>
<h2>Detail template</h2>
<pre class="source">{{#if template.detailTemplate}}{{template.detailTemplate}}{{else}}(none){{/if}}</pre>
<h2 id="preview-heading">Preview</h2>
<p>Rendered by the timeline's own renderer, in {{timeZone}}, from {{source.text}}.{{#each source.switches}} <a href="{{href}}">{{label}}</a>{{/each}}</p>
<div class="preview-layout">
<form method="get" action="{{selfPath}}" class="preview-form stack" data-preview="{{previewPath}}">
  <input type="hidden" name="portalId" value="{{portalId}}">
  <input type="hidden" name="from" value="form">
  {{#each fields}}
  <label for="field-{{@index}}">{{label}} <code class="hint">{{name}}</code></label>
  {{#if options}}
  <select id="field-{{@index}}" name="token.{{name}}">{{#each options}}<option value="{{value}}"{{#if selected}} selected{{/if}}>{{label}}</option>{{/each}}</select>
  {{else}}
  <input id="field-{{@index}}" name="token.{{name}}" value="{{value}}" maxlength="{{../maxValue}}"{{#if numeric}} inputmode="numeric"{{/if}}>
  {{/if}}
  {{/each}}
  <label for="field-timestamp">Timestamp <span class="hint">(in {{timeZone}})</span></label>
  <input id="field-timestamp" name="timestamp" type="datetime-local" step="1" value="{{timestamp}}">
  <label for="field-extra">extraData <span class="hint">(JSON)</span></label>
  <textarea id="field-extra" name="extraData" rows="4" maxlength="{{maxExtraData}}">{{extraData}}</textarea>
  <button type="submit">Update preview</button>
</form>
<div id="preview" class="preview" aria-labelledby="preview-heading">
{{{previewHtml}}}
</div>
</div>`);

export const previewView = hbs.compile(`{{#if problem}}<p class="error" role="alert">{{problem}}</p>{{else}}
<article class="event">
  <p class="meta">{{templateName}} · <time datetime="{{iso}}">{{time}}</time></p>
  <div class="header">{{{header}}}</div>
  {{#if detail}}<details open><summary>Details</summary><div class="detail">{{{detail}}}</div></details>{{/if}}
</article>{{/if}}`);
