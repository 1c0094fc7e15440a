/**
 * The UI's one stylesheet and one script, served from memory. The script only moves server-made
 * HTML around (it never builds markup from data): the iframe dialog, and polling the open timeline
 * so new events appear without a reload.
 */

const CSS = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #0b6bcb; --bg: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 16px; background: #102a43; color: #fff; }
.bar a { color: #fff; } .brand { font-weight: 700; text-decoration: none; }
.bar ul { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; margin: 0; padding: 0; }
.bar [aria-current] { font-weight: 700; }
.bar form { margin-left: auto; }
main { max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; overflow-wrap: anywhere; }
.hint { color: var(--muted); font-size: .875rem; font-weight: 400; }
.error { color: #a61b1b; font-weight: 600; }
.stack { display: grid; gap: 8px; max-width: 420px; }
input, button { font: inherit; padding: 8px 10px; border: 1px solid #9fb3c8; border-radius: 6px; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
.search { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 16px; }
.search label { flex-basis: 100%; }
.search input { flex: 1 1 200px; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
.unit { display: none; }
.day { font-size: 1rem; color: var(--muted); margin: 24px 0 8px; }
.events { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.event { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow-wrap: anywhere; }
.event .meta { margin: 0 0 4px; font-size: .875rem; color: var(--muted); }
.event .header p { margin: 0; }
.render-failed { color: var(--muted); font-style: italic; }
details { margin-top: 8px; } summary { cursor: pointer; color: var(--accent); }
.iframe-link { margin-top: 8px; }
pre { background: #fff; border: 1px solid var(--line); padding: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dialog { max-width: calc(100vw - 16px); padding: 0; border: 1px solid var(--line); border-radius: 8px; }
dialog iframe { display: block; max-width: 100%; border: 0; }
.dialog-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; padding: 8px 12px; }
.dialog-head h2 { font-size: 1rem; margin: 0; }
@media (max-width: 600px) { table.records thead { display: none; } table.records tr { display: grid; grid-template-columns: 1fr auto; }
  table.records th { grid-column: 1 / -1; border: 0; } .unit { display: inline; } }
`;

const JS = `
'use strict';
(function () {
  var dialog = document.getElementById('iframe-dialog');
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.iframe-link');
    if (button && dialog) {
      var frame = dialog.querySelector('iframe');
      dialog.querySelector('#iframe-title').textContent = button.dataset.title || button.textContent;
      frame.width = button.dataset.width; frame.height = button.dataset.height;
      frame.src = button.dataset.url;
      dialog.showModal();
      return;
    }
    if (event.target.matches && event.target.matches('[data-close]') && dialog) dialog.close();
  });
  if (dialog) dialog.addEventListener('close', function () { dialog.querySelector('iframe').src = 'about:blank'; });

  var section = document.getElementById('timeline');
  if (!section) return;
  function poll() {
    fetch(section.dataset.poll, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (!response.ok) return;
      var top = response.headers.get('x-timeline-top') || '';
      if (top === section.dataset.top) return;
      return response.text().then(function (html) {
        var open = Array.prototype.map.call(section.querySelectorAll('details[open]'), function (d) {
          return d.closest('article').dataset.key;
        });
        // Server-rendered and escaped, like the page it came with.
        section.innerHTML = html;
        section.dataset.top = top;
        open.forEach(function (key) {
          var article = section.querySelector('article[data-key="' + CSS.escape(key) + '"] details');
          if (article) article.open = true;
        });
      });
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
`;

export const WEB_ASSETS: Record<string, { type: string; body: string }> = {
  'app.css': { type: 'text/css; charset=utf-8', body: CSS },
  'app.js': { type: 'text/javascript; charset=utf-8', body: JS },
};
