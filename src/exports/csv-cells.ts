import type { CastingContext } from 'csv-stringify';

/**
 * Spreadsheets run a cell that starts with one of these as a formula (CSV injection). Tab and carriage
 * return count too: some programs strip them and then see the formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes a text cell safe to open in a spreadsheet by putting an apostrophe before a leading formula
 * character. Numbers are written as numbers and never pass here, so negative scores stay numeric.
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** csv-stringify casts shared by every export: safe text, plain numbers, true/false, empty for null. */
export const CSV_CAST = {
  string: (value: string, _context: CastingContext) => neutraliseFormula(value),
  boolean: (value: boolean) => (value ? 'true' : 'false'),
  date: (value: Date) => value.toISOString(),
  number: (value: number) => (Number.isFinite(value) ? String(value) : ''),
};
