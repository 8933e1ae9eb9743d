-- CreateTable
CREATE TABLE "SubtaskLink" (
    "blockerId" TEXT NOT NULL,
    "blockedId" TEXT NOT NULL,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SubtaskLink_pkey" PRIMARY KEY ("blockerId","blockedId")
);

-- CreateIndex
CREATE INDEX "SubtaskLink_blockedId_idx" ON "SubtaskLink"("blockedId");

-- AddForeignKey
ALTER TABLE "SubtaskLink" ADD CONSTRAINT "SubtaskLink_blockerId_fkey" FOREIGN KEY ("blockerId") REFERENCES "Subtask"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubtaskLink" ADD CONSTRAINT "SubtaskLink_blockedId_fkey" FOREIGN KEY ("blockedId") REFERENCES "Subtask"("id") ON DELETE CASCADE ON UPDATE CASCADE;
