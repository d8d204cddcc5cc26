package dev.mcppool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerTagTest {

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8080/mcp,                      127.0.0.1:8080",
            "https://Tools.Example.com/tenants/acme/mcp,     tools.example.com:443",
            "http://example.com,                             example.com:80",
            "http://example.com:/mcp,                        example.com:80",
            "http://example.com/mcp?q=sha256-0a1b2c,         example.com:80",
            "http://[::1]:9000/mcp,                          [::1]:9000",
            "https://[::1]/mcp,                              [::1]:443",
            "http://user:secret@example.com:81/mcp,          example.com:81",
            "not a url,                                      unknown",
            "http:///mcp,                                    unknown",
    })
    void keepsOnlyHostAndPort(String url, String tag) {
        assertThat(ServerTag.of(url)).isEqualTo(tag);
    }

    @ParameterizedTest
    @CsvSource({"''", "://"})
    void neverThrows(String url) {
        assertThat(ServerTag.of(url)).isEqualTo(ServerTag.UNKNOWN);
        assertThat(ServerTag.of(null)).isEqualTo(ServerTag.UNKNOWN);
    }
}
