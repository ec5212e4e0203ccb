// The drawing pad: strokes from pointer events (mouse, touch and pen alike), kept as point lists so a
// stroke can be undone by drawing the rest again. Black ink on an opaque white canvas, so the pixels
// the page reads are exactly those of the canvas's PNG, the file `cnn predict` would be given.

export interface Pad {
  canvas: HTMLCanvasElement;
  /** The canvas's pixels as RGBA bytes, what the preprocessing takes. */
  pixels(): { width: number; height: number; data: Uint8Array };
  hasInk(): boolean;
  undo(): void;
  clear(): void;
  /** Shows a picture (a dropped image) in place of the strokes, which it clears. */
  show(picture: ImageBitmap): void;
}

type Point = [number, number];

// About what a finger or a thick marker gives on a 280-pixel pad: MNIST strokes are a tenth of a digit.
const inkWidth = 18;

export function createPad(canvas: HTMLCanvasElement, onChange: (final: boolean) => void): Pad {
  const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const strokes: Point[][] = [];
  let current: Point[] | undefined;

  const toCanvas = (event: PointerEvent): Point => {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
  };
  const paper = (): void => {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  const drawStroke = (points: Point[]): void => {
    context.strokeStyle = '#000';
    context.fillStyle = '#000';
    context.lineWidth = inkWidth;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    if (points.length === 1) {
      context.beginPath();
      context.arc(points[0][0], points[0][1], inkWidth / 2, 0, 2 * Math.PI);
      context.fill();
      return;
    }
    context.beginPath();
    context.moveTo(...points[0]);
    for (const point of points.slice(1)) context.lineTo(...point);
    context.stroke();
  };
  const redraw = (): void => {
    paper();
    for (const stroke of strokes) drawStroke(stroke);
  };

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    if (strokes.length === 0) paper(); // a picture shown before is replaced by the drawing
    current = [toCanvas(event)];
    strokes.push(current);
    drawStroke(current);
    onChange(false);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (current === undefined) return;
    // Coalesced events give every sample a fast pen made between two frames.
    for (const sample of event.getCoalescedEvents?.() ?? [event]) {
      const point = toCanvas(sample);
      context.beginPath();
      context.lineWidth = inkWidth;
      context.lineCap = 'round';
      context.moveTo(...current[current.length - 1]);
      context.lineTo(...point);
      context.stroke();
      current.push(point);
    }
    onChange(false);
  });
  const end = (): void => {
    if (current === undefined) return;
    current = undefined;
    onChange(true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  paper();

  return {
    canvas,
    pixels: () => {
      const { width, height, data } = context.getImageData(0, 0, canvas.width, canvas.height);
      return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    },
    hasInk: () => strokes.length > 0,
    undo: () => {
      strokes.pop();
      redraw();
      onChange(true);
    },
    clear: () => {
      strokes.length = 0;
      redraw();
      onChange(true);
    },
    show: (picture) => {
      strokes.length = 0;
      paper();
      const scale = Math.min(canvas.width / picture.width, canvas.height / picture.height);
      const [width, height] = [picture.width * scale, picture.height * scale];
      context.drawImage(picture, (canvas.width - width) / 2, (canvas.height - height) / 2, width, height);
    },
  };
}
