-- CreateIndex
CREATE UNIQUE INDEX "RunStory_one_active_per_story" ON "RunStory"("storyId") WHERE (status = ANY (ARRAY['GENERATING'::"RunStoryStatus", 'SAVING'::"RunStoryStatus"])) OR ("reviewState" = 'AWAITING'::"ReviewState");
