import type { RequestHandler } from "express";
import getRawBody from "raw-body";
import { HttpError } from "./errors.ts";
import { ErrorCode } from "../errors/codes.ts";

declare module "express-serve-static-core" {
  interface Request {
    /** The body exactly as received, for signature checks; set by rawJsonBody. */
    rawBody?: Buffer;
  }
}

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the body as raw bytes (signatures are computed on them, never on re-serialised
 * JSON), keeps them on req.rawBody and leaves parsing to the route, which must verify first.
 * Over the limit: 413 through the error handler as soon as the limit is known to be passed
 * (at once from Content-Length, or at the byte that passes it), so an oversized body is neither
 * held in memory nor waited for. (express.raw drains the whole body before it answers 413.)
 * The connection is not closed on the sender: closing with its bytes unread resets it, and the
 * 413 is lost on the way.
 */
export function rawBody(limit = MAX_BODY_BYTES): RequestHandler {
  return (req, _res, next) => {
    getRawBody(req, { limit, length: req.headers["content-length"] }).then(
      (body) => {
        req.rawBody = body;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** Parses a verified raw body as JSON; a body that is not JSON is the sender's fault: 400. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, ErrorCode.InvalidJson, "the request body is not valid JSON");
  }
}
