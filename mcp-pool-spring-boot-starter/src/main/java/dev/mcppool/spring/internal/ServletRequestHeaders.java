package dev.mcppool.spring.internal;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Reads headers of the current servlet request. Loaded only when Spring Web and the Servlet API are present. */
public final class ServletRequestHeaders {

    private ServletRequestHeaders() {
    }

    /**
     * These headers of the request bound to the current thread, under the names given; headers the request does not
     * carry are left out. A header sent several times is joined as HTTP allows ({@code ", "}, or {@code "; "} for
     * {@code Cookie}). Empty outside a servlet request.
     */
    public static Map<String, String> current(List<String> names) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return Map.of();
        }
        HttpServletRequest request = servlet.getRequest();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : names) {
            java.util.Enumeration<String> sent = request.getHeaders(name);
            List<String> values = sent == null ? List.of() : Collections.list(sent);
            if (!values.isEmpty()) {
                headers.put(name, String.join(name.equalsIgnoreCase("cookie") ? "; " : ", ", values));
            }
        }
        return headers;
    }
}
