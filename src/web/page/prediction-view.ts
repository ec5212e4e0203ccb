// The answer side of the page: ten probability bars with the top digit, and the 28x28 input the
// network saw, drawn a pixel per pixel and enlarged by CSS without smoothing.

export function createBars(list: HTMLOListElement): (probabilities: ArrayLike<number> | undefined) => void {
  const rows = Array.from({ length: 10 }, (_, digit) => {
    const row = document.createElement('li');
    row.innerHTML = `<span class="digit">${digit}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
    list.append(row);
    return row;
  });
  return (probabilities) => {
    let top = -1;
    rows.forEach((row, digit) => {
      const p = probabilities?.[digit] ?? 0;
      if (probabilities !== undefined && (top < 0 || p > probabilities[top])) top = digit;
      // The exact value, for whoever wants to compare it with `cnn predict --json`.
      row.dataset.probability = probabilities === undefined ? '' : String(p);
      (row.querySelector('.fill') as HTMLElement).style.width = `${(100 * p).toFixed(2)}%`;
      (row.querySelector('.value') as HTMLElement).textContent = probabilities === undefined ? '' : `${(100 * p).toFixed(1)}%`;
    });
    rows.forEach((row, digit) => row.classList.toggle('top', digit === top));
  };
}

export function drawSeen(canvas: HTMLCanvasElement, pixels: Float32Array | undefined): void {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 28 * 28; i++) {
    // Shown as MNIST is usually pictured: light ink on black.
    const level = Math.round(255 * Math.min(1, Math.max(0, pixels?.[i] ?? 0)));
    image.data.set([level, level, level, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}
