-- CreateIndex
CREATE INDEX "RunStory_startedAt_idx" ON "RunStory"("startedAt");
