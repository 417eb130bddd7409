-- records_board_idx (harness_id, hardware_class, status, val_bpb) predates the leaderboard by harness
-- key (records_rank_idx, records_history_idx): no query reads it any more (0 scans over the load and
-- ingest benches), yet every insert and every assignment's update of a record writes it, and it was
-- the largest index on records (13 MB of 90 at 50,000 records).
DROP INDEX IF EXISTS "records_board_idx";
