import { XMLParser, XMLValidator } from 'fast-xml-parser';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, after checking the signature; throws on anything else. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE))
    throw new Error('not a PNG (bad signature)');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Parses an SVG document strictly; returns its root attributes and every piece of text it draws. */
export function parseSvg(svg: string): { width: number; height: number; texts: string[] } {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`invalid SVG: ${valid.err.msg} at line ${valid.err.line}`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
  if (!doc.svg) throw new Error('no <svg> root');
  const texts: string[] = [];
  const walk = (node: unknown, inText: boolean): void => {
    if (typeof node === 'string' || typeof node === 'number') {
      if (inText) texts.push(String(node));
      return;
    }
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inText));
    if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '#text') walk(value, inText);
        else walk(value, inText || key === 'text' || key === 'tspan');
      }
    }
  };
  walk(doc.svg, false);
  return { width: Number(doc.svg.width), height: Number(doc.svg.height), texts };
}
