/** Errors a handler throws to answer with a 4xx; anything else is a 500 with no details. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: HeadersInit = {}) {
    super(message);
    this.name = "HttpError";
  }
}

/** 400: the request itself is malformed (a field, a body, an id). */
export class InvalidInput extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}
