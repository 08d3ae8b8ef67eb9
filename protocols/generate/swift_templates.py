"""Templates of the Swift target: the fixed parts of every generated file.

Plan text never reaches these strings: the emitter (:mod:`protocols.generate.swift`) only
places them around the declarations and methods it writes from the model.
"""

from __future__ import annotations

PRELUDE = """
/// Holds a value of a type that contains itself: a Swift struct cannot hold itself directly,
/// so a property on such a cycle is `Boxed(value)`. On the wire it is the value itself.
public final class Boxed<Value: Codable & Equatable>: Codable, Equatable {
    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public init(from decoder: Decoder) throws {
        value = try decoder.singleValueContainer().decode(Value.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func == (lhs: Boxed<Value>, rhs: Boxed<Value>) -> Bool {
        return lhs.value == rhs.value
    }
}

/// Adds `context.protocols` (this plan's id and version) to an event, keeping the caller's
/// other `context.protocols` keys.
private func stampPlan(_ event: RawEvent?) -> RawEvent? {
    guard var event = event else {
        return nil
    }
    var context: [String: JSON] = [:]
    if case .object(let existing)? = event.context {
        context = existing
    }
    var stamp: [String: JSON] = [:]
    if case .object(let own)? = context["protocols"] {
        stamp = own
    }
    stamp["plan"] = JSON.string(ProtocolsPlan.id)
    if let version = ProtocolsPlan.version {
        stamp["version"] = JSON.string(version)
    } else {
        stamp["version"] = JSON.null
    }
    context["protocols"] = JSON.object(stamp)
    event.context = JSON.object(context)
    return event
}
"""

CLIENT_HEAD = """
/// Typed tracking calls over analytics-swift: `let tracking = ProtocolsClient(analytics)`.
/// Every call adds `context.protocols` (the plan id and version) to the event it sends.
public struct ProtocolsClient {
    public let analytics: Analytics

    public init(_ analytics: Analytics) {
        self.analytics = analytics
    }
"""
