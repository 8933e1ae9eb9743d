-- AlterTable
ALTER TABLE "RunStory" ADD COLUMN     "instructions" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "TeamSettings" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "tracker" "TrackerKind",
    "key" TEXT,
    "guidance" TEXT,
    "count" TEXT,
    "effortScale" TEXT,
    "language" TEXT,
    "reviewByDefault" BOOLEAN,
    "extraLabels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updatedBy" TEXT NOT NULL,
    "updatedByName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SettingsChange" (
    "id" TEXT NOT NULL,
    "settingsId" TEXT NOT NULL,
    "changedBy" TEXT NOT NULL,
    "changedByName" TEXT,
    "via" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SettingsChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TeamSettings_scope_key" ON "TeamSettings"("scope");

-- CreateIndex
CREATE INDEX "SettingsChange_settingsId_changedAt_idx" ON "SettingsChange"("settingsId", "changedAt");

-- AddForeignKey
ALTER TABLE "SettingsChange" ADD CONSTRAINT "SettingsChange_settingsId_fkey" FOREIGN KEY ("settingsId") REFERENCES "TeamSettings"("id") ON DELETE CASCADE ON UPDATE CASCADE;
