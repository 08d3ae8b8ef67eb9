// Helpers of the tests: an Analytics that sends nowhere and records every event as the SDK
// would upload it (after every plugin and enrichment), and a writer of those events as NDJSON
// for `protocols validate` (CI's swift job sets PROTOCOLS_EVENTS to a folder).
import Foundation
import Segment

final class Capture: Plugin {
    let type: PluginType = .after
    weak var analytics: Analytics?
    var events: [JSON] = []

    func execute<T: RawEvent>(event: T?) -> T? {
        if let event = event, let json = try? JSON(with: event) {
            events.append(json)
        }
        return event
    }
}

func capturingAnalytics(_ name: String) -> (Analytics, Capture) {
    let configuration = Configuration(writeKey: "protocols-\(name)")
        .autoAddSegmentDestination(false)
        .trackApplicationLifecycleEvents(false)
        .flushInterval(3600)
    let analytics = Analytics(configuration: configuration)
    let capture = Capture()
    _ = analytics.add(plugin: capture)
    analytics.waitUntilStarted()
    return (analytics, capture)
}

func save(_ events: [JSON], as name: String) throws {
    guard let folder = ProcessInfo.processInfo.environment["PROTOCOLS_EVENTS"] else {
        return
    }
    let encoder = JSONEncoder()
    var text = ""
    for event in events {
        text += String(decoding: try encoder.encode(event), as: UTF8.self) + "\n"
    }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try text.write(toFile: folder + "/" + name + ".ndjson", atomically: true, encoding: .utf8)
}
