"""Templates of the Java target: the fixed files and parts of every generated package.

Plan text never reaches these strings: the emitter (:mod:`protocols.generate.java`) only
places them around the classes and methods it writes from the model. ``PACKAGE`` is replaced
by the checked package name.
"""

from __future__ import annotations

TRACKING_OBJECT = """
package PACKAGE;

/** A planned object: {@link #toMap()} is what it sends, with the plan's exact keys. */
public interface TrackingObject {
    /** The payload as the SDK sends it: an unmodifiable map of wire names to JSON values. */
    java.util.Map<String, Object> toMap();
}
"""

TRACKING_ENUM = """
package PACKAGE;

/** A value of one of the plan's enums: {@link #wire()} is exactly what is sent. */
public interface TrackingEnum {
    /** The value sent on the wire. */
    String wire();
}
"""

TRACKING_JSON = """
package PACKAGE;

/** Turns typed values into what analytics-java's Gson writes (maps, lists, strings...). */
final class TrackingJson {
    private TrackingJson() {
    }

    /**
     * An explicit JSON null. analytics-java's Gson leaves map entries whose value is null out
     * of the JSON; the plan may require a key whose value is null, so this writes the null.
     */
    @com.google.gson.annotations.JsonAdapter(ExplicitNullAdapter.class)
    static final class ExplicitNull {
        static final ExplicitNull INSTANCE = new ExplicitNull();

        private ExplicitNull() {
        }
    }

    static final class ExplicitNullAdapter extends com.google.gson.TypeAdapter<ExplicitNull> {
        ExplicitNullAdapter() {
        }

        @Override
        public void write(com.google.gson.stream.JsonWriter out, ExplicitNull value) throws java.io.IOException {
            boolean serializeNulls = out.getSerializeNulls();
            out.setSerializeNulls(true);
            out.nullValue();
            out.setSerializeNulls(serializeNulls);
        }

        @Override
        public ExplicitNull read(com.google.gson.stream.JsonReader in) throws java.io.IOException {
            in.nextNull();
            return ExplicitNull.INSTANCE;
        }
    }

    static Object wire(Object value) {
        if (value == null) {
            return ExplicitNull.INSTANCE;
        }
        if (value instanceof TrackingObject) {
            return ((TrackingObject) value).toMap();
        }
        if (value instanceof TrackingEnum) {
            return ((TrackingEnum) value).wire();
        }
        if (value instanceof java.util.Map) {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            for (java.util.Map.Entry<?, ?> entry : ((java.util.Map<?, ?>) value).entrySet()) {
                out.put(String.valueOf(entry.getKey()), wire(entry.getValue()));
            }
            return java.util.Collections.unmodifiableMap(out);
        }
        if (value instanceof Iterable) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            for (Object item : (Iterable<?>) value) {
                out.add(item == null ? null : wire(item));
            }
            return java.util.Collections.unmodifiableList(out);
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }

    static void required(java.util.Map<String, Object> wire, String key, Object value) {
        if (value == null) {
            throw new NullPointerException("the plan requires \\"" + key + "\\"");
        }
        wire.put(key, wire(value));
    }

    static void nullable(java.util.Map<String, Object> wire, String key, Object value) {
        wire.put(key, wire(value));
    }

    static void optional(java.util.Map<String, Object> wire, String key, Object value) {
        if (value == null) {
            wire.remove(key);
        } else {
            wire.put(key, wire(value));
        }
    }

    static java.util.Map<String, Object> payload(java.util.Map<String, ?> values) {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, ?> entry : values.entrySet()) {
            out.put(entry.getKey(), wire(entry.getValue()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    static java.util.Map<String, Object> freeze(java.util.Map<String, Object> wire) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(wire));
    }
}
"""

CALL_OPTIONS = """
package PACKAGE;

/**
 * Who a call is about and the SDK's other options. Segment needs a userId or an anonymousId,
 * so every CallOptions starts from one: {@code CallOptions.userId("u1")}.
 */
public final class CallOptions {
    private String userId;
    private String anonymousId;
    private java.util.Map<String, ?> context = java.util.Collections.emptyMap();
    private java.util.Date timestamp;
    private String messageId;
    private final java.util.Map<String, Boolean> integrations = new java.util.LinkedHashMap<>();

    private CallOptions() {
    }

    /** Options for a call about a known user. */
    public static CallOptions userId(String userId) {
        CallOptions options = new CallOptions();
        options.userId = java.util.Objects.requireNonNull(userId, "userId");
        return options;
    }

    /** Options for a call about an anonymous visitor. */
    public static CallOptions anonymousId(String anonymousId) {
        CallOptions options = new CallOptions();
        options.anonymousId = java.util.Objects.requireNonNull(anonymousId, "anonymousId");
        return options;
    }

    /** Adds an anonymousId to a call about a known user. */
    public CallOptions withAnonymousId(String anonymousId) {
        this.anonymousId = anonymousId;
        return this;
    }

    /** Adds a userId to a call about an anonymous visitor. */
    public CallOptions withUserId(String userId) {
        this.userId = userId;
        return this;
    }

    /** The context to send; {@code protocols} (plan id and version) is added to it. */
    public CallOptions context(java.util.Map<String, ?> context) {
        this.context = java.util.Objects.requireNonNull(context, "context");
        return this;
    }

    /** When the call happened (default: now). */
    public CallOptions timestamp(java.util.Date timestamp) {
        this.timestamp = timestamp;
        return this;
    }

    /** The message id (default: a random UUID). */
    public CallOptions messageId(String messageId) {
        this.messageId = messageId;
        return this;
    }

    /** Sends the call to one destination or not ("All" for every one). */
    public CallOptions enableIntegration(String key, boolean enable) {
        this.integrations.put(key, enable);
        return this;
    }

    <B extends com.segment.analytics.messages.MessageBuilder<?, B>> B apply(B builder) {
        if (userId != null) {
            builder.userId(userId);
        }
        if (anonymousId != null) {
            builder.anonymousId(anonymousId);
        }
        if (timestamp != null) {
            builder.timestamp(timestamp);
        }
        if (messageId != null) {
            builder.messageId(messageId);
        }
        for (java.util.Map.Entry<String, Boolean> entry : integrations.entrySet()) {
            builder.enableIntegration(entry.getKey(), entry.getValue());
        }
        java.util.Map<String, Object> merged = new java.util.LinkedHashMap<>(context);
        java.util.Map<String, Object> protocols = new java.util.LinkedHashMap<>();
        Object caller = merged.get("protocols");
        if (caller instanceof java.util.Map) {
            for (java.util.Map.Entry<?, ?> entry : ((java.util.Map<?, ?>) caller).entrySet()) {
                protocols.put(String.valueOf(entry.getKey()), entry.getValue());
            }
        }
        protocols.put("plan", ProtocolsClient.PLAN_ID);
        protocols.put("version", TrackingJson.wire(ProtocolsClient.PLAN_VERSION));
        merged.put("protocols", protocols);
        return builder.context(merged);
    }
}
"""

CLIENT_HEAD = """
/**
 * Typed tracking calls over analytics-java: {@code new ProtocolsClient(analytics)}. Every call
 * adds {@code context.protocols} (plan id and version) to the context it sends.
 */
public final class ProtocolsClient {
    /** The plan this client was generated from. */
    public static final String PLAN_ID = PLAN_ID_VALUE;
    /** The plan's version (null when it has none). */
    public static final String PLAN_VERSION = PLAN_VERSION_VALUE;

    private final com.segment.analytics.Analytics analytics;

    /** Wraps the SDK's client. */
    public ProtocolsClient(com.segment.analytics.Analytics analytics) {
        this.analytics = java.util.Objects.requireNonNull(analytics, "analytics");
    }
"""
