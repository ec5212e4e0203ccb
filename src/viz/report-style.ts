// The report's stylesheet, inlined into the page: system fonts only, since the page may load nothing.

export const reportStyle = `
:root { color-scheme: light; --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1120px; padding: 24px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: #f1f5f9; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 18px; margin: 0 0 12px; }
header, section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; }
.headline { font-size: 17px; margin: 4px 0 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px; margin: 0; }
.facts dt { float: left; color: var(--muted); margin-right: 6px; }
.facts dd { margin: 0; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; }
figcaption, .note, .empty { color: var(--muted); font-size: 13px; max-width: 480px; }
.chart { max-width: 100%; height: auto; font-size: 12px; }
.chart .chart-title { font-size: 14px; font-weight: 600; fill: var(--ink); }
.chart .tick, .chart .legend, .chart .value { fill: var(--muted); }
.chart .axis-label { fill: var(--muted); font-style: italic; }
.chart .grid { stroke: var(--line); }
.chart .track { stroke: var(--line); stroke-width: 6; stroke-linecap: round; }
.chart .dot { fill: #16a34a; }
.chart .count { font-size: 11px; fill: var(--ink); }
.chart .count.on-dark { fill: #fff; }
img.filters { image-rendering: pixelated; max-width: 100%; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 10px; }
.mistake { text-align: center; font-size: 12px; }
.mistake img { image-rendering: pixelated; display: block; margin: 0 auto 2px; border-radius: 3px; }
.mistake .true { color: var(--muted); }
.mistake .predicted { color: #dc2626; font-weight: 600; }
.mistake .confidence { display: block; color: var(--muted); }
`;
