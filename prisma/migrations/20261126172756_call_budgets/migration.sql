-- CreateTable
CREATE TABLE "CallBudget" (
    "name" TEXT NOT NULL,
    "limit" DOUBLE PRECISION NOT NULL,
    "shrunkAt" TIMESTAMPTZ(3),
    "pausedUntil" TIMESTAMPTZ(3),

    CONSTRAINT "CallBudget_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "CallLease" (
    "id" UUID NOT NULL,
    "budget" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "acquiredAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CallLease_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CallLease_budget_expiresAt_idx" ON "CallLease"("budget", "expiresAt");
