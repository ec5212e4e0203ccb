// Small helpers shared by the report's SVG charts: escaping, round axis ticks, number formats and
// colour mixing. The charts are hand-written SVG rather than a charting library: they are a few lines,
// a grid and some dots, which plain SVG draws in less code than a library's configuration, with no
// script to inline, nothing to keep up to date, and output that a unit test can read.

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Evenly spaced round values (steps of 1, 2 or 5 times a power of ten) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`niceTicks: need finite min <= max, got ${min} and ${max}`);
  }
  if (max - min < 1e-12) {
    // One value (a single epoch, say) still needs an axis around it.
    const spread = Math.abs(min) * 0.1 || 1;
    [min, max] = [min - spread, max + spread];
  }
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toFixed(decimals)));
}

/** Decimals needed to tell consecutive ticks apart. */
export function tickDecimals(ticks: number[]): number {
  if (ticks.length < 2) return 2;
  const step = Math.abs(ticks[1] - ticks[0]);
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** Mixes white with `colour` ([r,g,b] 0..255) by t in [0,1]: 0 is white, 1 is the colour itself. */
export function tint(colour: readonly [number, number, number], t: number): string {
  const amount = Math.min(1, Math.max(0, t));
  const channels = colour.map((channel) => Math.round(255 + (channel - 255) * amount));
  return `rgb(${channels.join(',')})`;
}

/** A number for an SVG coordinate: two decimals are finer than any screen, and keep the file small. */
export function coordinate(value: number): string {
  return String(Math.round(value * 100) / 100);
}
