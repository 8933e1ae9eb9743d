-- CreateEnum
CREATE TYPE "RunType" AS ENUM ('ANALYZE_CARDS', 'GENERATE_EPICS', 'GENERATE_STORIES', 'GENERATE_SUBTASKS');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'PARTIAL', 'FAILED');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('SLASH_COMMAND', 'TRACKER_LABEL', 'CLI');

-- CreateEnum
CREATE TYPE "TrackerKind" AS ENUM ('LINEAR', 'JIRA');

-- CreateEnum
CREATE TYPE "RunEpicStatus" AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "RunStoryStatus" AS ENUM ('PENDING', 'GENERATING', 'SAVING', 'COMPLETED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "ReviewState" AS ENUM ('AWAITING', 'APPROVED', 'DISCARDED');

-- CreateEnum
CREATE TYPE "WebhookProvider" AS ENUM ('LINEAR', 'JIRA');

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "type" "RunType" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" "RunTrigger" NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedByName" TEXT,
    "refs" TEXT[],
    "options" JSONB NOT NULL DEFAULT '{}',
    "slackTeamId" TEXT,
    "slackChannel" TEXT,
    "slackThreadTs" TEXT,
    "storiesTotal" INTEGER NOT NULL DEFAULT 0,
    "storiesDone" INTEGER NOT NULL DEFAULT 0,
    "storiesFailed" INTEGER NOT NULL DEFAULT 0,
    "storiesSkipped" INTEGER NOT NULL DEFAULT 0,
    "subtasksCreated" INTEGER NOT NULL DEFAULT 0,
    "subtasksDeleted" INTEGER NOT NULL DEFAULT 0,
    "tokensUsed" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(12,6) NOT NULL DEFAULT 0,
    "durationMs" INTEGER,
    "errorMsg" TEXT,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Epic" (
    "id" TEXT NOT NULL,
    "tracker" "TrackerKind" NOT NULL,
    "trackerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Epic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Story" (
    "id" TEXT NOT NULL,
    "epicId" TEXT,
    "code" TEXT,
    "tracker" "TrackerKind" NOT NULL,
    "trackerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "generatedAt" TIMESTAMP(3),
    "generationRunId" TEXT,
    "generationModel" TEXT,
    "generationTokens" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Story_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunEpic" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "epicId" TEXT NOT NULL,
    "status" "RunEpicStatus" NOT NULL DEFAULT 'PENDING',
    "storiesFound" INTEGER NOT NULL DEFAULT 0,
    "storiesDone" INTEGER NOT NULL DEFAULT 0,
    "storiesFailed" INTEGER NOT NULL DEFAULT 0,
    "tokensUsed" INTEGER,
    "durationMs" INTEGER,
    "errorMsg" TEXT,
    "retryCount" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RunEpic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunStory" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "storyId" TEXT NOT NULL,
    "status" "RunStoryStatus" NOT NULL DEFAULT 'PENDING',
    "subtasksCreated" INTEGER NOT NULL DEFAULT 0,
    "subtasksDeleted" INTEGER NOT NULL DEFAULT 0,
    "tokensUsed" INTEGER,
    "durationMs" INTEGER,
    "errorMsg" TEXT,
    "retryCount" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "proposal" JSONB,
    "reviewState" "ReviewState",
    "slackReplyTs" TEXT,

    CONSTRAINT "RunStory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subtask" (
    "id" TEXT NOT NULL,
    "storyId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "effort" TEXT,
    "runId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trackerId" TEXT,
    "trackerKey" TEXT,
    "trackerUrl" TEXT,
    "syncedAt" TIMESTAMP(3),

    CONSTRAINT "Subtask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "provider" "WebhookProvider" NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT,
    "runId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Run_slackChannel_createdAt_idx" ON "Run"("slackChannel", "createdAt");

-- CreateIndex
CREATE INDEX "Run_requestedBy_createdAt_idx" ON "Run"("requestedBy", "createdAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "Epic_key_idx" ON "Epic"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Epic_tracker_trackerId_key" ON "Epic"("tracker", "trackerId");

-- CreateIndex
CREATE INDEX "Story_epicId_idx" ON "Story"("epicId");

-- CreateIndex
CREATE INDEX "Story_key_idx" ON "Story"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Story_tracker_trackerId_key" ON "Story"("tracker", "trackerId");

-- CreateIndex
CREATE UNIQUE INDEX "Story_epicId_code_key" ON "Story"("epicId", "code");

-- CreateIndex
CREATE INDEX "RunEpic_runId_idx" ON "RunEpic"("runId");

-- CreateIndex
CREATE INDEX "RunEpic_epicId_idx" ON "RunEpic"("epicId");

-- CreateIndex
CREATE UNIQUE INDEX "RunEpic_runId_epicId_key" ON "RunEpic"("runId", "epicId");

-- CreateIndex
CREATE INDEX "RunStory_runId_idx" ON "RunStory"("runId");

-- CreateIndex
CREATE INDEX "RunStory_storyId_idx" ON "RunStory"("storyId");

-- CreateIndex
CREATE UNIQUE INDEX "RunStory_runId_storyId_key" ON "RunStory"("runId", "storyId");

-- CreateIndex
CREATE INDEX "Subtask_storyId_idx" ON "Subtask"("storyId");

-- CreateIndex
CREATE INDEX "Subtask_runId_idx" ON "Subtask"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Subtask_storyId_code_key" ON "Subtask"("storyId", "code");

-- CreateIndex
CREATE INDEX "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_provider_deliveryId_key" ON "WebhookDelivery"("provider", "deliveryId");

-- AddForeignKey
ALTER TABLE "Story" ADD CONSTRAINT "Story_epicId_fkey" FOREIGN KEY ("epicId") REFERENCES "Epic"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEpic" ADD CONSTRAINT "RunEpic_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEpic" ADD CONSTRAINT "RunEpic_epicId_fkey" FOREIGN KEY ("epicId") REFERENCES "Epic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunStory" ADD CONSTRAINT "RunStory_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunStory" ADD CONSTRAINT "RunStory_storyId_fkey" FOREIGN KEY ("storyId") REFERENCES "Story"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subtask" ADD CONSTRAINT "Subtask_storyId_fkey" FOREIGN KEY ("storyId") REFERENCES "Story"("id") ON DELETE CASCADE ON UPDATE CASCADE;
