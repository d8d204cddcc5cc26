package dev.mcppool.reliability;

import dev.mcppool.testing.RecordedRequest;
import dev.mcppool.testing.TestMcpServer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Diagnostics: the requests of every session id the server saw no DELETE for. */
final class ServerSessions {

    private ServerSessions() {
    }

    static void dumpUndeleted(TestMcpServer server) {
        Map<String, List<String>> bySession = new LinkedHashMap<>();
        List<String> deleted = new ArrayList<>();
        for (RecordedRequest r : server.requests()) {
            if (r.sessionId() == null) {
                continue;
            }
            bySession.computeIfAbsent(r.sessionId(), k -> new ArrayList<>()).add(r.method() + " " + r.jsonRpcMethod());
            if (r.method().equals("DELETE")) {
                deleted.add(r.sessionId());
            }
        }
        bySession.keySet().removeAll(deleted);
        System.out.println("UNDELETED sessions (" + bySession.size() + "): " + bySession);
    }
}
