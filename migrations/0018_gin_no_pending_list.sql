ALTER INDEX "ideas_search_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "ideas_concepts_idx" SET (fastupdate = off);
