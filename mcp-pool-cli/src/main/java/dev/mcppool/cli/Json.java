package dev.mcppool.cli;

import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in and out, with the Jackson 3 mapper the MCP SDK brings, so the SDK's records ({@code CallToolResult},
 * {@code Tool}) print exactly as they travel on the wire. Thread-safe.
 */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.shared();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    /** Indented JSON, for results a person reads and scripts parse. */
    static String pretty(Object value) {
        return PRETTY.writeValueAsString(value);
    }

    /**
     * Parses a JSON object into a map.
     *
     * @throws IllegalArgumentException saying what is wrong and where, without repeating the input
     */
    static Map<String, Object> parseObject(String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + location(e));
        }
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException("empty; expected a JSON object such as {\"text\":\"hello\"}");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object such as {\"text\":\"hello\"}, but was "
                    + describe(node));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(node, Map.class);
        return map;
    }

    private static String location(JacksonException e) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
            return "";
        }
        return " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.isNull() ? "null" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
