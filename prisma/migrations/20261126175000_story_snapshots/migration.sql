-- AlterTable
ALTER TABLE "Story" ADD COLUMN     "snapshot" JSONB,
ADD COLUMN     "snapshotAt" TIMESTAMP(3);
