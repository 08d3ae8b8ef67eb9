"""Templates of the Kotlin target: the fixed parts of every generated file.

Plan text never reaches these strings: the emitter (:mod:`protocols.generate.kotlin`) only
places them around the classes and methods it writes from the model.
"""

from __future__ import annotations

IMPORTS = """
import com.segment.analytics.kotlin.core.Analytics
import com.segment.analytics.kotlin.core.BaseEvent
import com.segment.analytics.kotlin.core.EnrichmentClosure
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
"""

PRELUDE = """
/** A planned object: [toJson] is what it sends, with the plan's exact keys. */
public interface TrackingObject {
    public fun toJson(): JsonObject
}

/** A value of one of the plan's enums: [wire] is exactly what is sent. */
public interface TrackingEnum {
    public val wire: String
}

/** Any JSON value from Kotlin values: what a property the plan leaves open may hold. */
internal fun trackingJson(value: Any?): JsonElement = when (value) {
    null -> JsonNull
    is JsonElement -> value
    is TrackingObject -> value.toJson()
    is TrackingEnum -> JsonPrimitive(value.wire)
    is String -> JsonPrimitive(value)
    is Number -> JsonPrimitive(value)
    is Boolean -> JsonPrimitive(value)
    is Map<*, *> -> JsonObject(value.entries.associate { entry -> entry.key.toString() to trackingJson(entry.value) })
    is Iterable<*> -> JsonArray(value.map { item -> trackingJson(item) })
    is Array<*> -> JsonArray(value.map { item -> trackingJson(item) })
    else -> throw IllegalArgumentException("not a JSON value: " + value.javaClass.name)
}
"""

CLIENT_HEAD = """
/**
 * Typed tracking calls over analytics-kotlin: `val tracking = ProtocolsClient(analytics)`.
 * Every call adds `context.protocols` (plan id and version) to the context it sends, after
 * the caller's own enrichment closure, if any.
 */
public class ProtocolsClient(private val analytics: Analytics) {
    public companion object {
        public const val PLAN_ID: String = PLAN_ID_VALUE
        public val PLAN_VERSION: String? = PLAN_VERSION_VALUE
    }

    private fun stamped(enrichment: EnrichmentClosure?): EnrichmentClosure = { event ->
        val enriched: BaseEvent? = if (enrichment != null) enrichment(event) else event
        enriched?.also { done ->
            val caller = done.context["protocols"] as? JsonObject ?: JsonObject(emptyMap())
            val version: JsonElement = PLAN_VERSION?.let { value -> JsonPrimitive(value) } ?: JsonNull
            val protocols = JsonObject(caller + mapOf("plan" to JsonPrimitive(PLAN_ID), "version" to version))
            done.context = JsonObject(done.context + ("protocols" to protocols))
        }
    }
"""
