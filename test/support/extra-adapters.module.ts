import { type DynamicModule, Module } from '@nestjs/common';
import { EXTRA_ADAPTERS } from '../../src/sources/adapter-registry.js';
import type { SourceAdapter } from '../../src/sources/source-adapter.js';

/** Installs adapters beside the built-in ones, for the whole application (EXTRA_ADAPTERS). */
@Module({})
export class ExtraAdaptersModule {
  static with(adapters: SourceAdapter[]): DynamicModule {
    return {
      module: ExtraAdaptersModule,
      global: true,
      providers: [{ provide: EXTRA_ADAPTERS, useValue: adapters }],
      exports: [EXTRA_ADAPTERS],
    };
  }
}
