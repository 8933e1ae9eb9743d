-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "RunEpicStatus" ADD VALUE 'GENERATING';
ALTER TYPE "RunEpicStatus" ADD VALUE 'SAVING';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "epicsDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "epicsFailed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "epicsSkipped" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "epicsTotal" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "storiesCreated" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "storiesDeleted" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "RunEpic" ADD COLUMN     "chainedRunId" TEXT,
ADD COLUMN     "instructions" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "proposal" JSONB,
ADD COLUMN     "ref" JSONB,
ADD COLUMN     "reviewState" "ReviewState",
ADD COLUMN     "slackReplyTs" TEXT,
ADD COLUMN     "storiesCreated" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "storiesDeleted" INTEGER NOT NULL DEFAULT 0;
