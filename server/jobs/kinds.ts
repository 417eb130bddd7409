// The kinds of background job, as stored in `jobs.kind`.
/** Subject: a record id. Embeds the record and gives it an idea. */
export const JOB_ASSIGN_IDEA = 'assign-idea';
/** Subject: the seq after which to continue. Re-derives stored records under the current catalogue. */
export const JOB_REDERIVE = 'rederive';
/** Subject: `schedule`. Queues a GitHub sync (discovery + key re-check), then its next run. */
export const JOB_GITHUB_SYNC = 'github-sync';
/** Subject: `OWNER/NAME@DEPTH`. Pages through that repository's forks (resumes at a saved cursor). */
export const JOB_GITHUB_DISCOVER = 'github-discover';
/** Subject: a fork's GitHub node id. Reads its public results.tsv into unsigned records. */
export const JOB_GITHUB_CRAWL_FORK = 'github-crawl-fork';
/** Subject: `due`. Re-checks key links against GitHub's public keys. */
export const JOB_GITHUB_RECHECK_KEYS = 'github-recheck-keys';
/** Subject: `schedule`. Writes a dataset snapshot (Parquet), then queues the next one an interval later. */
export const JOB_DATASET_SNAPSHOT = 'dataset-snapshot';
