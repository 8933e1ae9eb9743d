-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "reportedAt" TIMESTAMP(3);
