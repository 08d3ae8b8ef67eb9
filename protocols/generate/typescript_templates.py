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
    for (const violation of validator(kind, name, payload)) {
      onViolation(violation);
    }
  }
"""

VALIDATION_MODULE = """
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Validator, Violation } from "./index";

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

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
    message: error.message ?? error.keyword,
  }));
};
"""
