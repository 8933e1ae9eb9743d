// Every test file: no real network. Providers are played by nock; loopback (our own server,
// the database) stays reachable.
import nock from "nock";
import { afterAll } from "vitest";

nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host));

afterAll(() => {
  nock.cleanAll();
});
