import { Module } from '@nestjs/common';
import { AdapterRegistry } from './adapter-registry.js';
import { AdaptersController } from './adapters.controller.js';
import { PgSourceBudgets, SOURCE_BUDGETS } from './budget/source-budgets.js';

@Module({
  controllers: [AdaptersController],
  providers: [AdapterRegistry, { provide: SOURCE_BUDGETS, useClass: PgSourceBudgets }],
  exports: [AdapterRegistry, SOURCE_BUDGETS],
})
export class SourcesModule {}
