-- AlterTable
ALTER TABLE "RunStory" ADD COLUMN     "jobId" TEXT;
