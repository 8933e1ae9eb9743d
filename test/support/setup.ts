// Every test file: no real network. Providers are played by nock; loopback (our own server,
// the database) stays reachable. Whatever a test started with startApp/startCore is stopped
// after it.
import nock from "nock";
import { afterAll, afterEach } from "vitest";
import { stopStarted } from "./app.ts";

nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host));

afterEach(async () => {
  await stopStarted();
});

afterAll(async () => {
  await stopStarted();
  nock.cleanAll();
});
