import express, { type RequestHandler } from "express";
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
 * Over the limit: 413, through the error handler.
 */
export function rawBody(limit = MAX_BODY_BYTES): RequestHandler {
  const read = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    read(req, res, (error?: unknown) => {
      if (error) return next(error);
      req.rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      next();
    });
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
