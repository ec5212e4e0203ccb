// A small line chart on a canvas for the training curves: a few series over a shared x axis, a
// light grid, labelled ends. Hand-written like the report's SVG charts: less code than a chart
// library's configuration, and nothing to load.

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
  /** Draw dots instead of a line (one value per epoch). */
  dots?: boolean;
}

export function drawLineChart(canvas: HTMLCanvasElement, series: Series[], options: { xLabel: string; yMin?: number; yMax?: number; percent?: boolean }): void {
  // Sharp on high-density screens: the backing store follows the device pixel ratio.
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const all = series.flatMap((line) => line.points);
  const left = 44;
  const bottom = height - 22;
  const top = 8;
  const right = width - 12; // room for a dot on the last epoch
  const xMax = Math.max(1, ...all.map(([x]) => x));
  // Without a fixed range, the data's own, a little wider, so a slowly falling loss still shows its slope.
  const low = Math.min(...all.map(([, y]) => y));
  const high = Math.max(...all.map(([, y]) => y));
  const margin = all.length === 0 ? 1 : Math.max((high - low) * 0.08, 1e-3);
  const yMin = options.yMin ?? (all.length === 0 ? 0 : Math.max(0, low - margin));
  const yMax = options.yMax ?? (all.length === 0 ? 1 : high + margin);
  const px = (x: number): number => left + (x / xMax) * (right - left);
  const py = (y: number): number => bottom - ((y - yMin) / (yMax - yMin || 1)) * (bottom - top);
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = '#5d6675';
  context.strokeStyle = '#e3e6ec';
  context.lineWidth = 1;
  for (let step = 0; step <= 4; step++) {
    const y = yMin + ((yMax - yMin) * step) / 4;
    context.beginPath();
    context.moveTo(left, py(y));
    context.lineTo(right, py(y));
    context.stroke();
    const text = options.percent ? `${Math.round(100 * y)}%` : y.toFixed(yMax - yMin < 1 ? 3 : 2);
    context.fillText(text, 4, py(y) + 4);
  }
  context.fillText(options.xLabel, left, height - 6);
  const last = String(Math.round(xMax));
  context.fillText(last, right - context.measureText(last).width, height - 6);
  for (const line of series) {
    context.strokeStyle = line.color;
    context.fillStyle = line.color;
    context.lineWidth = 2;
    if (line.dots) {
      for (const [x, y] of line.points) {
        context.beginPath();
        context.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
        context.fill();
      }
      continue;
    }
    context.beginPath();
    line.points.forEach(([x, y], index) => (index === 0 ? context.moveTo(px(x), py(y)) : context.lineTo(px(x), py(y))));
    context.stroke();
  }
}
