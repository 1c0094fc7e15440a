/**
 * The UI's one stylesheet. Words break only where they would overflow a line by themselves
 * (`overflow-wrap: break-word`); tables become cards on a narrow screen instead of squeezing their
 * columns letter by letter, and the top bar keeps to two rows.
 */
export const CSS = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #0b6bcb; --bg: #f5f7fa; --bar: #102a43; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }

.bar { display: grid; grid-template-columns: auto minmax(0, 1fr) auto auto; grid-template-areas: "brand nav where out"; gap: 4px 16px; align-items: center; padding: 6px 16px; background: var(--bar); color: #fff; }
.bar a { color: #fff; }
.brand { grid-area: brand; font-weight: 700; text-decoration: none; }
.sections { grid-area: nav; min-width: 0; }
.sections ul { display: flex; gap: 4px 14px; list-style: none; margin: 0; padding: 0; overflow-x: auto; white-space: nowrap; }
.sections [aria-current] { font-weight: 700; text-decoration-thickness: 3px; }
.where { grid-area: where; display: flex; flex-wrap: wrap; align-items: center; gap: 2px 8px; font-size: .875rem; }
.where .tz { color: #d9e2ec; }
.portal-switch { display: flex; align-items: center; gap: 6px; }
.portal-switch select { font: inherit; padding: 2px 4px; border-radius: 4px; }
.signout { grid-area: out; margin: 0; }
button.small, .small { font-size: .875rem; padding: 3px 8px; }

main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 8px 0 16px; }
h2 { font-size: 1.2rem; } h3 { font-size: 1rem; }
.hint { color: var(--muted); font-size: .875rem; font-weight: 400; }
.error { color: #a61b1b; font-weight: 600; }
.stack { display: grid; gap: 8px; max-width: 420px; }
input, button, select, textarea { font: inherit; padding: 8px 10px; border: 1px solid #7b8794; border-radius: 6px; background: #fff; color: var(--ink); }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
.search { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 16px; }
.search label { flex-basis: 100%; }
.search input { flex: 1 1 200px; min-width: 0; }

table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
code { font-size: .9em; }
pre { background: #fff; border: 1px solid var(--line); padding: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; margin: 0 0 16px; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }

.record-layout { display: grid; grid-template-columns: 300px minmax(0, 1fr); gap: 24px; align-items: start; }
.sidebar { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.sidebar h2 { margin-top: 0; }
.properties { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.property { display: grid; }
.property-name { font-size: .875rem; font-weight: 600; color: var(--muted); }
.property-value { font-weight: 500; }
.filters { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 12px; }
.template-filter { border: 0; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.template-filter legend { font-weight: 600; padding: 0; margin-bottom: 4px; }
.check { display: inline-flex; gap: 6px; align-items: center; }
.check input { width: 1.1rem; height: 1.1rem; }
.filter-fields { display: flex; flex-wrap: wrap; gap: 8px 16px; }
.field { display: grid; gap: 2px; margin: 0; }
.field.grow { flex: 1 1 220px; }
.field input { min-width: 0; }
.filter-actions { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin: 12px 0 4px; }
.toolbar { display: flex; gap: 8px; margin-bottom: 8px; }

.day { font-size: 1rem; color: var(--muted); margin: 24px 0 8px; }
.events { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.event { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.event .meta { margin: 0 0 4px; font-size: .875rem; color: var(--muted); }
.event .header p { margin: 0; }
.render-failed { color: var(--muted); font-style: italic; }
details { margin-top: 8px; } summary { cursor: pointer; color: var(--accent); }
.iframe-link { margin-top: 8px; }
.searched { margin-top: 16px; }
dialog { max-width: calc(100vw - 16px); padding: 0; border: 1px solid var(--line); border-radius: 8px; }
dialog iframe { display: block; max-width: 100%; border: 0; }
.dialog-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; padding: 8px 12px; }
.dialog-head h2 { font-size: 1rem; margin: 0; }

.preview-layout { display: grid; grid-template-columns: minmax(0, 420px) minmax(0, 1fr); gap: 24px; align-items: start; }
.preview-form textarea { font-family: ui-monospace, monospace; font-size: .875rem; }
.app { margin-bottom: 24px; }

@media (max-width: 900px) {
  .record-layout, .preview-layout { grid-template-columns: minmax(0, 1fr); }
}
@media (max-width: 700px) {
  .bar { grid-template-columns: auto minmax(0, 1fr) auto; grid-template-areas: "brand where out" "nav nav nav"; padding: 6px 12px; }
  .where { justify-content: flex-end; }
  .portal-switch label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .sections ul { font-size: .875rem; gap: 4px 12px; }
  main { padding: 12px; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards, table.cards tbody, table.cards tr, table.cards th, table.cards td { display: block; }
  table.cards { background: none; }
  table.cards tr { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 8px; padding: 8px 12px; }
  table.cards th, table.cards td { border: 0; padding: 2px 0; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
`;
