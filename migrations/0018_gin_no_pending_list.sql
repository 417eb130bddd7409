ALTER INDEX "ideas_search_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "ideas_concepts_idx" SET (fastupdate = off);--> statement-breakpoint
SELECT gin_clean_pending_list('ideas_search_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('ideas_concepts_idx'::regclass);
