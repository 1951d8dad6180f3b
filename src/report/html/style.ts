/**
 * The page's stylesheet. Each status has a colour and, in the cell and the legend, a mark, so that the matrix reads
 * without colour (and on paper) too; text on each colour keeps a contrast of at least 4.5:1.
 */
export const style = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: 26rem; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.25rem; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1rem; margin: 0 0 .4rem; }
h3 { font-size: .95rem; margin: 1rem 0 .3rem; }
code { font: 12px/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.meta { margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.summary { display: flex; flex-wrap: wrap; gap: 2rem; margin: .75rem 0; }
.counts { display: flex; flex-wrap: wrap; gap: .35rem 1rem; list-style: none; margin: 0; padding: 0; }
.problems { margin: .25rem 0 .75rem; }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .5rem .75rem; border: 1px solid var(--line); border-radius: 6px; background: #f6f8fa; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .7rem; align-items: center; }
.filters legend { float: left; font-weight: 600; margin-right: .5rem; }
.filters label { white-space: nowrap; }
#shown { margin: 0; color: var(--muted); }
.legend { margin: .75rem 0; }
.legend h2 { display: none; }
.legend ul { display: flex; flex-wrap: wrap; gap: .3rem 1.25rem; list-style: none; margin: 0; padding: 0; color: var(--muted); }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-weight: 600; border: 1px solid transparent; }
.count-sample { background: #fff; color: var(--ink); border-color: var(--line); }
.sev { display: inline-block; min-width: 4.2rem; padding: 0 .35rem; border-radius: 4px; font-size: 12px; font-weight: 600; text-align: center; border: 1px solid var(--line); }
.sev-critical { background: #82071e; color: #fff; }
.sev-high { background: #cf222e; color: #fff; }
.sev-medium { background: #f0b400; color: #1f2328; }
.sev-low { background: #ddf4ff; color: #0a3069; }
.sev-info, .sev-other { background: #f6f8fa; color: #1f2328; }
.s-exposed { background: #b91c1c; color: #fff; }
.s-weakened { background: #fbbf24; color: #1f2328; }
.s-mitigated { background: #166534; color: #fff; }
.s-declared { background: #0e7490; color: #fff; }
.s-not-observed { background: #d1fae5; color: #14532d; }
.s-not-assessed { background: #eef0f2; color: #424a53; }
.s-question { background: #ede9fe; color: #3b2a7a; }
.s-other { background: #fff; color: #1f2328; border: 1px dashed #8c959f; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) var(--panel); gap: 1rem; align-items: start; margin-top: .5rem; }
.matrix { display: grid; grid-template-columns: repeat(10, minmax(0, 1fr)); gap: 4px; }
.tactic h2 { font-size: 12px; min-height: 2.6em; padding: .25rem; margin: 0 0 4px; background: #24292f; color: #fff; border-radius: 4px; }
.tactic ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
.cell { position: relative; display: block; width: 100%; min-height: 4.6rem; padding: .3rem .3rem 1.2rem; border-radius: 4px; text-align: left; font: inherit; font-size: 12px; line-height: 1.25; cursor: pointer; overflow-wrap: anywhere; }
.cell:hover { filter: brightness(.93); }
.cell:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.cell[aria-pressed="true"] { outline: 3px solid #1f2328; outline-offset: 1px; box-shadow: 0 0 0 5px #fff inset; }
.cell.out { opacity: .25; }
.cell .mark { font-weight: 700; margin-right: .25rem; }
.cell .tid { font-weight: 600; margin-right: .25rem; }
.cell .tname { display: block; }
.cell .tallies { position: absolute; right: .3rem; bottom: .2rem; display: flex; gap: .4rem; }
.cell .count { font-weight: 700; }
.cell .gaps { font-size: 11px; }
#panel { position: sticky; top: .5rem; max-height: calc(100vh - 1rem); overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; background: #fff; }
#panel .hint { color: var(--muted); margin: 0; }
.status-line { margin: .25rem 0 .5rem; }
.why, .todo, .mitigations { padding-left: 1.1rem; margin: 0; }
.why li, .todo li { margin-bottom: .25rem; }
.findings { padding-left: 1.4rem; margin: 0; }
.finding { margin-bottom: .6rem; padding-bottom: .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.finding p { margin: .2rem 0; }
.finding .check, .finding .api { color: var(--muted); font-size: 12px; }
.finding .autofix { color: var(--muted); font-size: 12px; font-style: italic; }
.finding .suppressed { color: #9a6700; font-size: 12px; }
.evidence { margin: .2rem 0; padding-left: 1rem; color: var(--muted); }
.etype { font-weight: 600; }
.mitigation { margin-bottom: .4rem; }
.mitigation p { margin: .1rem 0; color: var(--muted); }
.mstate { font-weight: 600; }
.m-present .mstate { color: #166534; }
.m-missing .mstate { color: #b91c1c; }
.m-unknown .mstate { color: var(--muted); }
.m-unproven .mstate { color: #a16207; }
.more { margin-top: .25rem; }
#paths { margin: .75rem 0; padding: .5rem .75rem; border: 1px solid var(--line); border-radius: 6px; }
.paths-grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 1rem; }
.chokes, .path-list { margin: 0; padding-left: 1.6rem; max-height: 16rem; overflow: auto; }
.choke { margin-bottom: .3rem; overflow-wrap: anywhere; }
.path-list li { margin-bottom: 3px; }
button.path { display: block; width: 100%; padding: .2rem .4rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--ink); text-align: left; font: inherit; cursor: pointer; overflow-wrap: anywhere; }
button.path:hover { background: #f6f8fa; }
button.path:focus-visible { outline: 3px solid #0969da; outline-offset: 1px; }
button.path[aria-pressed="true"] { border-color: #6d28d9; box-shadow: 0 0 0 2px #6d28d9; }
.views { display: flex; gap: .5rem; margin-bottom: .75rem; }
.views button { font: inherit; padding: .3rem .8rem; border: 1px solid #8c959f; border-radius: 6px; background: #fff; cursor: pointer; }
.views button[aria-pressed="true"] { background: #1f2328; color: #fff; border-color: #1f2328; }
.path-meta { color: var(--muted); }
.path-steps { padding-left: 1.4rem; margin: 0; }
.step { margin-bottom: .6rem; padding-bottom: .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.step p { margin: .2rem 0; }
.cell .onpath, .cell .activity { font-weight: 700; margin-right: .25rem; }
.cell .activity { padding: 0 .2rem; border-radius: 3px; background: #fff; color: #9a3412; }
#panel-activity .rules { padding-left: 1.1rem; margin: .2rem 0; }
.also-from ul { padding-left: 1.1rem; margin: .2rem 0 .5rem; overflow-wrap: anywhere; }
.uncut { color: var(--muted); margin: .3rem 0 0; }
.cell .steps:empty { display: none; }
.cell .steps { position: absolute; left: .3rem; bottom: .2rem; padding: 0 .4rem; border-radius: 999px; background: #6d28d9; color: #fff; font-weight: 700; }
.cell.on-step { outline: 3px solid #6d28d9; outline-offset: 1px; }
.cell.off-path { opacity: .3; }
#print-list { display: none; }
@media (max-width: 1100px) {
  .layout, .paths-grid { grid-template-columns: minmax(0, 1fr); }
  #panel { position: static; max-height: none; }
}
@media print {
  body { padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .filters, #panel, #paths, .more, .problems summary { display: none; }
  .layout { display: block; }
  .cell { min-height: 0; break-inside: avoid; }
  .cell.out { display: none; }
  #print-list { display: block; break-before: page; }
  .finding { break-inside: avoid; }
}
`;
