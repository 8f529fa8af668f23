import { PNG } from 'pngjs';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './bitmap-font';

export type Rgb = readonly [number, number, number];

/**
 * A small RGBA raster with the few primitives a time-series chart needs: alpha-blended pixels, rectangles,
 * anti-aliased lines (Xiaolin Wu 1991), filled circles and bitmap text. Encoded to PNG with pngjs (pure JS, no
 * native code and nothing downloaded at install).
 */
export class Raster {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      this.data[i * 4] = background[0];
      this.data[i * 4 + 1] = background[1];
      this.data[i * 4 + 2] = background[2];
      this.data[i * 4 + 3] = 255;
    }
  }

  blend(x: number, y: number, c: Rgb, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || !(alpha > 0)) return;
    const a = Math.min(1, alpha);
    const i = (y * this.width + x) * 4;
    const d = this.data;
    d[i] = Math.round(d[i]! * (1 - a) + c[0] * a);
    d[i + 1] = Math.round(d[i + 1]! * (1 - a) + c[1] * a);
    d[i + 2] = Math.round(d[i + 2]! * (1 - a) + c[2] * a);
  }

  fillRect(x0: number, y0: number, w: number, h: number, c: Rgb, alpha = 1): void {
    const xa = Math.max(0, Math.round(x0));
    const ya = Math.max(0, Math.round(y0));
    const xb = Math.min(this.width, Math.round(x0 + w));
    const yb = Math.min(this.height, Math.round(y0 + h));
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) this.blend(x, y, c, alpha);
  }

  /** Anti-aliased line; `width` > 1 draws parallel strokes. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1, alpha = 1): void {
    if (width <= 1) {
      this.wuLine(x0, y0, x1, y1, c, alpha);
      return;
    }
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len = Math.hypot(dx, dy) || 1;
    const nx = -dy / len;
    const ny = dx / len;
    const strokes = Math.max(2, Math.round(width * 2));
    for (let k = 0; k < strokes; k++) {
      const off = (k / (strokes - 1) - 0.5) * (width - 1);
      this.wuLine(x0 + nx * off, y0 + ny * off, x1 + nx * off, y1 + ny * off, c, alpha * (2 / strokes) * 1.2);
    }
  }

  private wuLine(x0: number, y0: number, x1: number, y1: number, c: Rgb, alpha: number): void {
    const steep = Math.abs(y1 - y0) > Math.abs(x1 - x0);
    if (steep) [x0, y0, x1, y1] = [y0, x0, y1, x1];
    if (x0 > x1) [x0, y0, x1, y1] = [x1, y1, x0, y0];
    const dx = x1 - x0;
    const gradient = dx === 0 ? 1 : (y1 - y0) / dx;
    const plot = (x: number, y: number, a: number): void =>
      steep ? this.blend(y, x, c, a * alpha) : this.blend(x, y, c, a * alpha);
    let y = y0 + gradient * (Math.round(x0) - x0);
    for (let x = Math.round(x0); x <= Math.round(x1); x++) {
      const fy = Math.floor(y);
      const frac = y - fy;
      plot(x, fy, 1 - frac);
      plot(x, fy + 1, frac);
      y += gradient;
    }
  }

  circle(cx: number, cy: number, r: number, c: Rgb, alpha = 1): void {
    for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
      for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
        const d = Math.hypot(x - cx, y - cy);
        const cover = Math.max(0, Math.min(1, r + 0.5 - d));
        if (cover > 0) this.blend(x, y, c, cover * alpha);
      }
    }
  }

  text(x: number, y: number, text: string, c: Rgb, scale = 1): void {
    let cx = Math.round(x);
    for (const ch of text) {
      const rows = glyph(ch);
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        const bits = rows[r]!;
        for (let col = 0; col < GLYPH_WIDTH; col++) {
          if ((bits >> (GLYPH_WIDTH - 1 - col)) & 1)
            this.fillRect(cx + col * scale, Math.round(y) + r * scale, scale, scale, c);
        }
      }
      cx += GLYPH_ADVANCE * scale;
    }
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    return PNG.sync.write(png, { colorType: 6 });
  }
}
