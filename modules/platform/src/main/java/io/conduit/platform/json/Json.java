package io.conduit.platform.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.conduit.platform.Invalid;

/**
 * The one JSON mapper: strict about types (a number is not a string, a string is not a list),
 * lenient about unknown fields (clients may send more than we read).
 */
public final class Json {
    private static final int BUFFER_POOL_SIZE = 256;
    private static final ObjectMapper MAPPER = create();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as the API writes it (the same mapper as every response's). */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Parses a request body; any malformed or wrongly typed input becomes a 422 naming the field. */
    public static <T> T parse(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new Invalid("body", "can't be blank");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new Invalid("body", "can't be blank");
            }
            return value;
        } catch (MismatchedInputException e) {
            throw new Invalid(fieldOf(e), "has the wrong type");
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof Invalid invalid) {
                throw invalid;
            }
            throw new Invalid(fieldOf(e), "is invalid");
        } catch (JacksonException e) {
            throw new Invalid("body", "is not valid JSON");
        } catch (java.io.IOException e) {
            throw new Invalid("body", "could not be read");
        }
    }

    /** Every string of a request body, as Jackson reads it, is checked to be storable, naming its field. */
    private static final class StorableStrings extends StdScalarDeserializer<String> {
        StorableStrings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctx) throws java.io.IOException {
            String value = StringDeserializer.instance.deserialize(p, ctx);
            if (value != null && !StorableText.storable(value)) {
                String field = p.getParsingContext().getCurrentName();
                if (field == null && p.getParsingContext().getParent() != null) {
                    field = p.getParsingContext().getParent().getCurrentName();
                }
                throw new Invalid(field == null ? "body" : field, StorableText.MESSAGE);
            }
            return value;
        }
    }

    /** The same check for bodies a module reads as a tree (to tell an absent field from null). */
    private static final class StorableTree<T extends JsonNode> extends StdDeserializer<T> {
        private final Class<T> type;

        StorableTree(Class<T> type) {
            super(type);
            this.type = type;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctx) throws java.io.IOException {
            String field = p.getParsingContext().getCurrentName();
            T tree = type.cast(JsonNodeDeserializer.getDeserializer(type).deserialize(p, ctx));
            check(tree, field == null ? "body" : field);
            return tree;
        }

        @Override
        public T getNullValue(DeserializationContext ctx) throws JsonMappingException {
            return type.cast(JsonNodeDeserializer.getDeserializer(type).getNullValue(ctx));
        }

        private static void check(JsonNode node, String field) {
            if (node.isTextual()) {
                StorableText.check(field, node.textValue());
            } else if (node.isArray()) {
                node.forEach(item -> check(item, field));
            } else if (node.isObject()) {
                node.properties().forEach(entry -> {
                    StorableText.check(entry.getKey(), entry.getKey());
                    check(entry.getValue(), entry.getKey());
                });
            }
        }
    }

    private static String fieldOf(JsonMappingException e) {
        var path = e.getPath();
        for (int i = path.size() - 1; i >= 0; i--) {
            String name = path.get(i).getFieldName();
            if (name != null) {
                return name;
            }
        }
        return "body";
    }

    private static ObjectMapper create() {
        // Jackson's default buffer pool is per thread; every request runs on a new virtual thread, so
        // each one allocated its parser and generator buffers afresh (several KB of garbage each).
        // A bounded pool shared by all threads reuses them; beyond its size, buffers are dropped.
        var factory = JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.newBoundedPool(BUFFER_POOL_SIZE))
                .build();
        var mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .addModule(new SimpleModule("storable-text")
                        .addDeserializer(String.class, new StorableStrings())
                        .addDeserializer(JsonNode.class, new StorableTree<>(JsonNode.class))
                        .addDeserializer(ObjectNode.class, new StorableTree<>(ObjectNode.class)))
                .build();
        for (var shape : new CoercionInputShape[] {
            CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Collection).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.POJO).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.POJO).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return mapper;
    }
}
