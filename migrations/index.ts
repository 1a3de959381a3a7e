import { CreateSchema1763942400000 } from './1763942400000-CreateSchema.js';
import { CreateSourceBudget1764000000000 } from './1764000000000-CreateSourceBudget.js';
import { AddCollectionLeases1764200000000 } from './1764200000000-AddCollectionLeases.js';
import { IndexRollupBySource1764300000000 } from './1764300000000-IndexRollupBySource.js';
import { CreateRollupHourly1764300000001 } from './1764300000001-CreateRollupHourly.js';
import { CreateSourceCoverageHourly1764300000002 } from './1764300000002-CreateSourceCoverageHourly.js';
import { IndexRejectedItemsByRunAndId1764400000000 } from './1764400000000-IndexRejectedItemsByRunAndId.js';
import { ClassificationLinksByStatementTriggers1764500000000 } from './1764500000000-ClassificationLinksByStatementTriggers.js';
import { PostIdsInBlocks1764500000001 } from './1764500000001-PostIdsInBlocks.js';

/** Every migration, oldest first. Listed explicitly: ESM builds cannot glob-load classes reliably. */
export const migrations = [
  CreateSchema1763942400000,
  CreateSourceBudget1764000000000,
  AddCollectionLeases1764200000000,
  IndexRollupBySource1764300000000,
  CreateRollupHourly1764300000001,
  CreateSourceCoverageHourly1764300000002,
  IndexRejectedItemsByRunAndId1764400000000,
  ClassificationLinksByStatementTriggers1764500000000,
  PostIdsInBlocks1764500000001,
];
