package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpSyncClient;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The sync session factory reads the SDK's private field {@code McpSyncClient.delegate} reflectively, to run the
 * handshake on the async client inside (the SDK has no accessor). If that read fails it silently falls back to
 * the plain blocking {@code initialize}, which loses the bounded, leak-free handshake: so nothing else would
 * notice. The tests run on the class path, where any reflection works; on the module path (module
 * {@code dev.mcppool}) it works only while the SDK's module opens {@code io.modelcontextprotocol.client} to us,
 * which an automatic module (mcp-core today) does for all its packages. This test fails when the SDK renames the
 * field or ships a module descriptor that does not open that package.
 */
class SdkModuleAccessTest {

    @Test
    void theSyncClientStillHoldsItsAsyncClientInAFieldNamedDelegate() throws Exception {
        Field field = McpSyncClient.class.getDeclaredField("delegate");
        assertThat(field.getType()).isEqualTo(McpAsyncClient.class);
        field.setAccessible(true);
    }

    @Test
    void theSdkModuleOpensTheClientPackageToDevMcppool() throws Exception {
        Path jar = Path.of(McpSyncClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        assertThat(found).hasSize(1);
        ModuleDescriptor sdk = found.iterator().next().descriptor();
        assertThat(sdk.name()).isEqualTo("io.modelcontextprotocol.sdk.mcp.core");
        boolean opened = sdk.isAutomatic() || sdk.isOpen() || sdk.opens().stream()
                .anyMatch(o -> o.source().equals("io.modelcontextprotocol.client")
                        && (!o.isQualified() || o.targets().contains("dev.mcppool")));
        assertThat(opened)
                .as("module %s (from %s) must open io.modelcontextprotocol.client to dev.mcppool", sdk.name(), jar)
                .isTrue();
    }
}
