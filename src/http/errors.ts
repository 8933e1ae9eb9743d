import type { ErrorRequestHandler, RequestHandler } from "express";
import { ErrorCode } from "../errors/codes.ts";
import type { Logger } from "../log/logger.ts";

/** An error that carries the HTTP status and the message a sender may see. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  constructor(status: number, code: ErrorCode, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
  }
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: ErrorCode.NotFound, message: `no route for ${req.method} ${req.path}` });
};

// Errors raised by express's body parsers carry `type` and `status`; map the ones a sender
// can cause to a 4xx instead of letting them become a 500.
const bodyParserErrors: Record<string, { status: number; code: ErrorCode; message: string }> = {
  "entity.parse.failed": { status: 400, code: ErrorCode.InvalidJson, message: "the request body is not valid JSON" },
  "entity.too.large": { status: 413, code: ErrorCode.BodyTooLarge, message: "the request body is too large" },
  "encoding.unsupported": { status: 415, code: ErrorCode.UnsupportedEncoding, message: "the request encoding is not supported" },
  "charset.unsupported": { status: 415, code: ErrorCode.UnsupportedCharset, message: "the request charset is not supported" },
  "request.aborted": { status: 400, code: ErrorCode.RequestAborted, message: "the request was aborted" },
  "request.size.invalid": { status: 400, code: ErrorCode.InvalidSize, message: "the request body size is invalid" },
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const parserError = typeof error?.type === "string" ? bodyParserErrors[error.type] : undefined;
    if (parserError) {
      res.status(parserError.status).json({ error: parserError.code, message: parserError.message });
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.code, message: error.message });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, "request failed");
    if (res.headersSent) return;
    res.status(500).json({ error: ErrorCode.Internal, message: "internal error" });
  };
}
