"""Templates of the TypeScript target: the fixed parts of every generated module.

Plan text never reaches these strings: the emitter (:mod:`protocols.generate.typescript`)
only places them around the definitions and methods it writes from the model.
"""

from __future__ import annotations

NODE_PRELUDE = """
/** Who the call is about: Segment needs a userId, an anonymousId, or both. */
export type Identity =
  | { userId: string; anonymousId?: string }
  | { userId?: string; anonymousId: string };

/** The SDK's optional arguments, passed through to analytics-node. */
export type CallOptions = Identity & {
  context?: Record<string, unknown>;
  timestamp?: Date | string;
  integrations?: Record<string, boolean | Record<string, unknown>>;
  messageId?: string;
};

export type PageCallOptions = CallOptions & { category?: string };
"""

NEXT_PRELUDE = """
/** What the generated calls need from analytics-next: an AnalyticsBrowser or Analytics. */
export interface SegmentAnalytics {
  track(...args: Parameters<AnalyticsBrowser["track"]>): Promise<unknown>;
  identify(...args: Parameters<AnalyticsBrowser["identify"]>): Promise<unknown>;
  group(groupId: string, traits?: Record<string, unknown>, options?: Options): Promise<unknown>;
  page(...args: Parameters<AnalyticsBrowser["page"]>): Promise<unknown>;
  screen(...args: Parameters<AnalyticsBrowser["screen"]>): Promise<unknown>;
}

/** The SDK's optional arguments, passed through to analytics-next. */
export interface CallOptions {
  userId?: string;
  anonymousId?: string;
  context?: Record<string, unknown>;
  timestamp?: Date | string;
  integrations?: Record<string, boolean | Record<string, unknown>>;
  messageId?: string;
}

export interface PageCallOptions extends CallOptions {
  category?: string;
}
"""

COMMON = """
/** A call whose payload does not match the plan. */
export interface Violation {
  kind: string;
  name: string | null;
  /** Where in the message, e.g. properties.products[0].price. */
  path: string;
  message: string;
}

export type ViolationHandler = (violation: Violation) => void;

/** Checks a payload against the plan: `validator` from ./validation in development builds. */
export type Validator = (kind: string, name: string | null, payload: Record<string, unknown>) => Violation[];

/** The default violation handler: warn on the console and send the call anyway. */
export function logViolation(violation: Violation): void {
  console.warn(`tracking plan violation in ${violation.name ?? violation.kind} at ${violation.path}: ${violation.message}`);
}

export interface ProtocolsOptions {
  /** Runtime validation: pass `validator` from ./validation (development only). */
  validator?: Validator;
  onViolation?: ViolationHandler;
}
"""

CLIENT_HEAD = """
/**
 * Typed tracking calls. Wrap the SDK once: `const tracking = new ProtocolsClient(analytics)`.
 * Every call adds `context.protocols` (plan id and version) to the context it sends.
 */
export class ProtocolsClient {
  constructor(
    private readonly analytics: CLIENT_TYPE,
    private readonly settings: ProtocolsOptions = {},
  ) {}

  private withContext(context: Record<string, unknown> | undefined): Record<string, unknown> {
    const caller = context?.protocols;
    const own = typeof caller === "object" && caller !== null ? caller : {};
    return { ...context, protocols: { ...own, plan: PLAN_ID, version: PLAN_VERSION } };
  }

  private check(kind: string, name: string | null, payload: Record<string, unknown>): void {
    const validator = this.settings.validator;
    if (validator === undefined) {
      return;
    }
    const onViolation = this.settings.onViolation ?? logViolation;
    let violations: Violation[];
    try {
      violations = validator(kind, name, payload);
    } catch (error) {
      // Checking never throws into the app's call: a payload that cannot be checked (too
      // deep, a getter that throws) is reported as a violation too.
      const field = kind === "identify" || kind === "group" ? "traits" : "properties";
      violations = [{ kind, name, path: field, message: `the payload could not be checked: ${String(error)}` }];
    }
    for (const violation of violations) {
      onViolation(violation);
    }
  }
"""

VALIDATION_MODULE = """
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Validator, Violation } from "./index";

/**
 * Patterns as Ajv runs them, in bounded time: generate refused every pattern that can
 * backtrack catastrophically, and a pattern searched from every start position (not anchored
 * with ^) is tried only on values up to MAX_SEARCHED characters; a longer value is reported.
 */
function boundedRegExp(pattern: string, flags: string): { test: (value: string) => boolean } {
  const compiled = new RegExp(pattern, flags);
  const capped = UNANCHORED.has(pattern);
  return {
    test: (value: string): boolean => !(capped && value.length > MAX_SEARCHED) && compiled.test(value),
    // Ajv caches compiled patterns by this text.
    toString: (): string => `${compiled.toString()}:${capped ? "capped" : "full"}`,
  } as { test: (value: string) => boolean };
}
boundedRegExp.code = "boundedRegExp";

const ajv = new Ajv2020({
  allErrors: true, strict: false, validateFormats: false, verbose: true,
  code: { regExp: boundedRegExp },
});
const compiled = new Map<string, ValidateFunction>();

function message(error: ErrorObject): string {
  const pattern = error.params.pattern;
  if (error.keyword === "pattern" && typeof pattern === "string" && UNANCHORED.has(pattern)
      && typeof error.data === "string" && error.data.length > MAX_SEARCHED) {
    return `a value of ${error.data.length} characters was not checked against the pattern "${pattern}" (at most ${MAX_SEARCHED})`;
  }
  return error.message ?? error.keyword;
}

function pathOf(field: string, pointer: string): string {
  let text = field;
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    text += /^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`;
  }
  return text;
}

/** Validates payloads against the plan's schemas; pass it to `new ProtocolsClient(...)`. */
export const validator: Validator = (kind, name, payload) => {
  const key = `${kind}:${name ?? ""}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    const schema = SCHEMAS[key];
    if (schema === undefined) {
      return [];
    }
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(payload)) {
    return [];
  }
  const field = kind === "identify" || kind === "group" ? "traits" : "properties";
  return (validate.errors ?? []).map((error: ErrorObject): Violation => ({
    kind,
    name,
    path: pathOf(field, error.instancePath),
    message: message(error),
  }));
};
"""
