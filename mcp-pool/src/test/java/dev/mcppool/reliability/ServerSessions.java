package dev.mcppool.reliability;

import dev.mcppool.testing.RecordedRequest;
import dev.mcppool.testing.TestMcpServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the server saw of sessions: diagnostics, and clean-up of sessions whose DELETE the server refused. */
final class ServerSessions {

    private ServerSessions() {
    }

    /**
     * Sends DELETE again for every Streamable HTTP session the pool tried to delete (as recorded by the server,
     * including DELETEs that a fault switch answered) and returns how many were still open, that is, how many
     * DELETEs the server had refused.
     */
    static int deleteRefused(TestMcpServer server) throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        for (RecordedRequest r : server.requests()) {
            if (r.method().equals("DELETE") && r.sessionId() != null) {
                ids.add(r.sessionId());
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int stillOpen = 0;
        for (String id : ids) {
            HttpRequest delete = HttpRequest.newBuilder(server.streamableUri()).timeout(Duration.ofSeconds(5))
                    .header("Mcp-Session-Id", id).DELETE().build();
            if (http.send(delete, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                stillOpen++;
            }
        }
        return stillOpen;
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
        StringBuilder b = new StringBuilder("UNDELETED sessions (" + bySession.size() + ") of " + server.liveSessions()
                + " live:");
        bySession.forEach((id, requests) -> {
            b.append("\n  ").append(id).append(": ").append(requests.size()).append(" requests, first ")
                    .append(requests.subList(0, Math.min(4, requests.size()))).append(", last ")
                    .append(requests.get(requests.size() - 1));
        });
        System.out.println(b);
    }

    static URI uri(TestMcpServer server) {
        return server.streamableUri();
    }
}
