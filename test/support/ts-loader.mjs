// Node module hooks that run the TypeScript sources directly in a child process (tests that start the real
// application in its own process, then kill it). Each file is transpiled on load with the project's decorator
// settings — Nest's dependency injection needs `emitDecoratorMetadata`, which esbuild-based runners lack.
// Type checking is `npm run check`'s job, not this loader's.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

// Transpiled files are cached by content, so that restarting a child costs a second, not several.
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/groundswell-ts-loader/', import.meta.url));
let ts;

/** Bump when compilerOptions change, so that cached output is not reused. */
const VERSION = '1';
const compilerOptions = () => ({
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  isolatedModules: true,
  inlineSourceMap: true,
  inlineSources: true,
});

/** `./x.js` written in a .ts file means `./x.ts` when only the TypeScript source exists. */
export async function resolve(specifier, context, nextResolve) {
  if (
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js') &&
    context.parentURL?.startsWith('file:')
  ) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const key = createHash('sha256').update(path).update('\0').update(source).update(VERSION).digest('hex');
  const cached = `${cacheDir}${key}.js`;
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {
    // Not cached yet.
  }
  ts ??= (await import('typescript')).default;
  const { outputText } = ts.transpileModule(source, { compilerOptions: compilerOptions(), fileName: path });
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${cached}.${process.pid}.tmp`;
  await writeFile(temporary, outputText);
  await rename(temporary, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
