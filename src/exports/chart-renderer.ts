import { Injectable } from '@nestjs/common';
import { Resvg } from '@resvg/resvg-js';
import { parse, type Spec as VegaSpec, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { CHART_FONT_FILES } from './chart-fonts.js';
import { installChartTextMetrics } from './chart-text-metrics.js';

/** Renders Vega-Lite specifications on the server: SVG through Vega's headless view, PNG through resvg. */
@Injectable()
export class ChartRenderer {
  constructor() {
    installChartTextMetrics();
  }

  /** Vega-Lite to Vega, with the compiler's warnings (a chart that warns is drawn, but tests refuse it). */
  compile(spec: TopLevelSpec): { spec: VegaSpec; warnings: string[] } {
    const warnings: string[] = [];
    const record = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    };
    const logger = {
      level: () => logger,
      error: record,
      warn: record,
      info: () => logger,
      debug: () => logger,
    };
    return { spec: compile(spec, { logger }).spec, warnings };
  }

  async svg(spec: TopLevelSpec): Promise<string> {
    // renderer 'none': no canvas or DOM; the loader is never asked for anything because the data is inline.
    const view = new View(parse(this.compile(spec).spec), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /** Rasterises an SVG at `scale` times its size (2 for print and high-density screens). */
  png(svg: string, scale: number): { png: Buffer; width: number; height: number } {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      font: {
        fontFiles: [CHART_FONT_FILES.regular, CHART_FONT_FILES.bold],
        loadSystemFonts: false,
        defaultFontFamily: 'DejaVu Sans',
      },
      background: undefined,
    });
    const image = resvg.render();
    return { png: image.asPng(), width: image.width, height: image.height };
  }
}
