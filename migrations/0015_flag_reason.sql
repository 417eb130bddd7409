-- Why a record was flagged implausible (null when it is not): shown with the record and on the leaderboard.
ALTER TABLE "records" ADD COLUMN "flag_reason" text;
