// Anthropic's Messages API played by nock on a test base URL, with real-shaped bodies from
// test/fixtures/anthropic/; the SDK does real HTTP.

import { readFileSync } from "node:fs";
import nock from "nock";

export const BASE_URL = "https://anthropic.test";
export const API_KEY = "sk-ant-api03-test-key-0000";
export const MODEL = "claude-sonnet-5-5";
export const REQUEST_ID = "req_011CQ9wZtXbLmN4pR7sVkE2d";

export type Body = Record<string, any>;
export type Reply = (interceptor: nock.Interceptor) => nock.Scope;

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/anthropic/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

const requestId = { "request-id": REQUEST_ID };

/** Plays the API: each reply in turn, recording every request body. */
export function playApi(...replies: Reply[]): { bodies: Body[] } {
  const bodies: Body[] = [];
  for (const reply of replies) {
    const interceptor = nock(BASE_URL)
      // SDK 1.x sends the key as a bearer token and pins its own API version.
      .matchHeader("authorization", `Bearer ${API_KEY}`)
      .matchHeader("anthropic-version", /^\d{4}-\d{2}-\d{2}$/)
      .post("/v1/messages", (body: Body) => {
        bodies.push(body);
        return true;
      });
    reply(interceptor);
  }
  return { bodies };
}

// nock 15 hangs a fetch when replyWithError gets a plain object; an Error instance works.
export const networkError =
  (code: string, message: string): Reply =>
  (interceptor) =>
    interceptor.replyWithError(Object.assign(new Error(message), { code }));

export const ok =
  (name: string, headers: Record<string, string> = {}): Reply =>
  (interceptor) =>
    interceptor.reply(200, fixture(name), { ...requestId, ...headers });

export const fail =
  (status: number, name: string, headers: Record<string, string> = {}): Reply =>
  (interceptor) =>
    interceptor.reply(status, fixture(name), { ...requestId, ...headers });

export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}
