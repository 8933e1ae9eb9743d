-- CreateTable
CREATE TABLE "SlackChannelPace" (
    "channel" TEXT NOT NULL,
    "nextAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlackChannelPace_pkey" PRIMARY KEY ("channel")
);
