ALTER TABLE "ideas" SET (fillfactor = 50);
