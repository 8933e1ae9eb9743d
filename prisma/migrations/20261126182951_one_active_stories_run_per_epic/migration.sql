-- CreateIndex
CREATE UNIQUE INDEX "RunEpic_one_active_stories_run_per_epic" ON "RunEpic"("epicId") WHERE (status = ANY (ARRAY['GENERATING'::"RunEpicStatus", 'SAVING'::"RunEpicStatus"])) OR ("reviewState" = 'AWAITING'::"ReviewState");
