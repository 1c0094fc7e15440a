/** The records list: a portal's records of one type that have events, by latest activity. */
import { hbs } from './view-engine.js';

export const recordsView = hbs.compile(`<h1>{{objectType}} with events</h1>
<form method="get" action="/ui/records/{{objectType}}" class="search" role="search">
  <input type="hidden" name="portalId" value="{{portalId}}">
  <label for="q">Search by email, domain or id</label>
  <input id="q" name="q" type="search" value="{{q}}">
  <button type="submit">Search</button>
</form>
{{#if records.length}}
<table class="cards records">
  <caption class="visually-hidden">{{objectType}} by latest activity</caption>
  <thead><tr><th scope="col">Record</th><th scope="col">Events</th><th scope="col">Latest activity</th></tr></thead>
  <tbody>
  {{#each records}}
    <tr>
      <th scope="row"><a href="{{href}}">{{label}}</a> <span class="hint">#{{id}}</span></th>
      <td data-label="Events">{{eventCount}}</td>
      <td data-label="Latest activity"><time datetime="{{lastEventAt}}">{{lastEventAtText}}</time></td>
    </tr>
  {{/each}}
  </tbody>
</table>
{{else}}
<p>No {{objectType}} with events{{#if q}} match “{{q}}”{{/if}}.</p>
{{/if}}
{{#if next}}<p><a href="{{next}}">Next page</a></p>{{/if}}`);
