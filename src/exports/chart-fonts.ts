import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/**
 * DejaVu Sans, shipped by the npm package `dejavu-fonts-ttf`: the rasteriser loads it and text is measured
 * with it, so charts need no system font and look the same on every machine.
 */
export const CHART_FONT_FILES = {
  regular: join(fontDir, 'DejaVuSans.ttf'),
  bold: join(fontDir, 'DejaVuSans-Bold.ttf'),
};
