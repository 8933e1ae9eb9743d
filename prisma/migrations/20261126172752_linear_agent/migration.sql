-- AlterEnum
ALTER TYPE "RunTrigger" ADD VALUE 'LINEAR_AGENT';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "linearAgentSessionId" TEXT,
ADD COLUMN     "linearOrganizationId" TEXT;

-- AlterTable
ALTER TABLE "RunStory" ADD COLUMN     "stopRequestedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "LinearInstallation" (
    "organizationId" TEXT NOT NULL,
    "organizationName" TEXT,
    "appUserId" TEXT NOT NULL,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT,
    "expiresAt" TIMESTAMP(3),
    "scope" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinearInstallation_pkey" PRIMARY KEY ("organizationId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Run_linearAgentSessionId_key" ON "Run"("linearAgentSessionId");
