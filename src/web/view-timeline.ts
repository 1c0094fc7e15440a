/**
 * A record's page: the record itself (sidebar), the timeline's filters (their names those of
 * `/_timeline/v1`'s query parameters, so a filtered page's URL is the API call's), expand and
 * collapse all, and the events grouped by day; the events part is also what the live update fetches.
 */
import { hbs } from './view-engine.js';

export const recordPageView = hbs.compile(`<p><a href="{{backHref}}">← All {{objectType}}</a></p>
<h1>{{label}} <span class="hint">#{{objectId}}</span></h1>
<div class="record-layout">
<aside class="sidebar" aria-labelledby="about">
  <h2 id="about">About this record</h2>
  <dl class="facts">
    <dt>Record id</dt><dd>{{objectId}}</dd>
    <dt>Object type</dt><dd>{{objectType}}</dd>
    <dt>Created</dt><dd><time datetime="{{created.iso}}">{{created.text}}</time></dd>
    <dt>Updated</dt><dd><time datetime="{{updated.iso}}">{{updated.text}}</time></dd>
  </dl>
  <h3>Properties</h3>
  {{#if properties.length}}
  <ul class="properties">
  {{#each properties}}
    <li class="property" data-property="{{name}}">
      <span class="property-name">{{name}}</span>
      <span class="property-value">{{#if value}}{{value}}{{else}}<span class="hint">(empty)</span>{{/if}}</span>
      <span class="hint property-set">{{#if setAt}}set <time datetime="{{setAt.iso}}">{{setAt.text}}</time>{{else}}set before these times were kept{{/if}}</span>
      {{#if stampedBy.length}}<span class="hint property-stamp">stamped by {{#each stampedBy}}<a href="{{href}}">{{templateName}}</a> ({{tokenName}}){{#unless @last}}, {{/unless}}{{/each}}</span>{{/if}}
    </li>
  {{/each}}
  </ul>
  {{else}}<p class="hint">No properties.</p>{{/if}}
</aside>
<div class="timeline-column">
<form method="get" action="{{selfPath}}" class="filters" role="search" aria-label="Filter the timeline">
  <input type="hidden" name="portalId" value="{{portalId}}">
  {{#if templates.length}}
  <fieldset class="template-filter">
    <legend>Event types</legend>
    {{#each templates}}
    <label class="check"><input type="checkbox" name="eventTemplateId" value="{{id}}"{{#if checked}} checked{{/if}}> {{name}}</label>
    {{/each}}
  </fieldset>
  {{/if}}
  <div class="filter-fields">
    <p class="field"><label for="since">From</label> <input id="since" name="since" type="{{since.type}}" value="{{since.value}}"></p>
    <p class="field"><label for="until">To</label> <input id="until" name="until" type="{{until.type}}" value="{{until.value}}"></p>
    <p class="field grow"><label for="timeline-q">Text in headers or token values</label> <input id="timeline-q" name="q" type="search" value="{{q}}" maxlength="200"></p>
  </div>
  <p class="filter-actions"><button type="submit">Apply filters</button>{{#if filtered}} <a href="{{clearHref}}">Clear filters</a>{{/if}}</p>
  <p class="hint">Dates are days in {{timeZone}}, from the start of “From” to the end of “To”. A search reads up to {{budget}} events per page.</p>
  {{#if error}}<p class="error" role="alert">{{error}}</p>{{/if}}
</form>
<div class="toolbar" hidden>
  <button type="button" class="small" data-details="open">Expand all</button>
  <button type="button" class="small" data-details="close">Collapse all</button>
</div>
<p id="live-status" class="visually-hidden" role="status"></p>
<section id="timeline" aria-label="Events"{{#if pollHref}} data-poll="{{pollHref}}"{{/if}} data-top="{{top}}" data-seen="{{seen}}">
{{{eventsHtml}}}
</section>
</div>
</div>
<dialog id="iframe-dialog" aria-labelledby="iframe-title">
  <div class="dialog-head"><h2 id="iframe-title"></h2><button type="button" data-close>Close</button></div>
  <iframe title="Event content" sandbox="allow-scripts allow-forms allow-popups"></iframe>
</dialog>`);

export const eventsView =
  hbs.compile(`{{#if newestHref}}<p class="newer"><a href="{{newestHref}}">Back to the newest events</a></p>{{/if}}
{{#each days}}
<h2 class="day"><time datetime="{{date}}">{{label}}</time></h2>
<ol class="events">
{{#each events}}
  <li>
    <article class="event" id="event-{{key}}" data-key="{{key}}">
      <p class="meta">{{#if templateHref}}<a href="{{templateHref}}">{{templateName}}</a>{{else}}{{templateName}}{{/if}} · <time datetime="{{timestamp}}">{{time}}</time></p>
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
<p>{{#if filtered}}No events match these filters{{#if searched}} among those read{{/if}}.{{else}}No events yet.{{/if}}</p>
{{/each}}
{{#if searched}}<p class="hint searched">This page read {{searched.examined}} events, back to <time datetime="{{searched.iso}}">{{searched.text}}</time>, and stopped there.</p>{{/if}}
{{#if olderHref}}<p class="older"><a href="{{olderHref}}">{{#if searched}}Search older events{{else}}Older events{{/if}}</a></p>{{/if}}`);
