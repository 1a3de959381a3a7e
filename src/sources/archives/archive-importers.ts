import type { ArchiveFormat } from './archive-format.js';
import type { ArchiveImporter } from './archive-importer.js';
import { CsvImporter } from './csv.importer.js';
import { FourCatImporter } from './fourcat.importer.js';
import { JsonlImporter } from './jsonl.importer.js';
import { TcatImporter } from './tcat.importer.js';
import { TwarcImporter } from './twarc.importer.js';

/** Every archive format, in one place. Adding a format: write `<name>.importer.ts` and add it here. */
export const ARCHIVE_IMPORTERS: Readonly<Record<ArchiveFormat, ArchiveImporter>> = {
  jsonl: new JsonlImporter(),
  csv: new CsvImporter(),
  twarc: new TwarcImporter(),
  '4cat': new FourCatImporter(),
  tcat: new TcatImporter(),
};
