// Every repository over one database handle: built once for the primary and, when a read
// replica is configured, once more for it.
import type { Db } from '../db/client.ts';
import { RecordRepository } from './record.repository.ts';
import { LeaderboardRepository } from './leaderboard.repository.ts';
import { IdeaRepository } from './idea.repository.ts';
import { IdeaSearchRepository } from './idea-search.repository.ts';
import { EvidenceRepository } from './evidence.repository.ts';
import { JobRepository } from './job.repository.ts';
import { ClaimRepository } from './claim.repository.ts';
import { RevokedKeyRepository } from './revoked-key.repository.ts';
import { KeyLinkRepository } from './key-link.repository.ts';
import { ForkRepository } from './fork.repository.ts';
import { NoiseRepository } from './noise.repository.ts';
import { ReplicationRepository } from './replication.repository.ts';
import { SuggestionRepository } from './suggestion.repository.ts';
import { ExportRepository } from './export.repository.ts';
import { CheckEventRepository } from './check-event.repository.ts';
import { RateLimitRepository } from './rate-limit.repository.ts';
import { UpkeepRepository } from './upkeep.repository.ts';

export type Repositories = ReturnType<typeof repositoriesOver>;

export function repositoriesOver(db: Db) {
  return {
    records: new RecordRepository(db),
    leaderboard: new LeaderboardRepository(db),
    ideas: new IdeaRepository(db),
    ideaSearch: new IdeaSearchRepository(db),
    evidence: new EvidenceRepository(db),
    jobs: new JobRepository(db),
    claims: new ClaimRepository(db),
    revoked: new RevokedKeyRepository(db),
    keyLinks: new KeyLinkRepository(db),
    forks: new ForkRepository(db),
    noise: new NoiseRepository(db),
    replication: new ReplicationRepository(db),
    suggestions: new SuggestionRepository(db),
    exports: new ExportRepository(db),
    checks: new CheckEventRepository(db),
    rateLimits: new RateLimitRepository(db),
    upkeep: new UpkeepRepository(db),
  };
}
