import { readFileSync } from 'node:fs';
import opentype, { type Font } from 'opentype.js';
import * as vega from 'vega';
import { CHART_FONT_FILES } from './chart-fonts.js';

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

interface TextMetrics {
  width: (item: TextItem, text?: unknown) => number;
}

/** Advance widths of the shipped font, per character, in ems. */
class FontWidths {
  private readonly cache = new Map<string, number>();
  constructor(private readonly font: Font) {}

  ems(text: string): number {
    let total = 0;
    for (const char of text) {
      let w = this.cache.get(char);
      if (w === undefined) {
        w = (this.font.charToGlyph(char).advanceWidth ?? this.font.unitsPerEm * 0.6) / this.font.unitsPerEm;
        this.cache.set(char, w);
      }
      total += w;
    }
    return total;
  }
}

function load(path: string): FontWidths {
  const b = readFileSync(path);
  return new FontWidths(opentype.parse(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
}

let installed = false;

/**
 * Without a canvas Vega guesses text as 0.8 em a character, which is far too wide: labels get dropped and
 * titles cut. This measures with the advance widths of the font the PNG is drawn in (character by character,
 * without kerning: within a pixel for chart text), so layout on the server matches what is drawn.
 */
export function installChartTextMetrics(): void {
  if (installed) return;
  const regular = load(CHART_FONT_FILES.regular);
  const bold = load(CHART_FONT_FILES.bold);
  const metrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  metrics.width = (item: TextItem, text?: unknown) => {
    const value = typeof text === 'string' || typeof text === 'number' ? String(text).trim() : '';
    if (!value) return 0;
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const weight = item.fontWeight;
    const isBold = weight === 'bold' || (typeof weight === 'number' && weight >= 600);
    return (isBold ? bold : regular).ems(value) * size;
  };
  installed = true;
}
