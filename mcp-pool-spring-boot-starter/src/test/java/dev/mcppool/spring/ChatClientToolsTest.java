package dev.mcppool.spring;

import static dev.mcppool.spring.Tools.as;
import static dev.mcppool.spring.Tools.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.McpSessionPool;
import dev.mcppool.spring.examples.AssistantService;
import dev.mcppool.testing.TestMcpServer;
import dev.mcppool.testing.WhoAmI;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Through Spring AI's own tool-calling loop ({@link ChatClient}): a model asks for an MCP tool, Spring AI runs our
 * callback, and each user's call lands on that user's session.
 */
class ChatClientToolsTest {

    TestMcpServer server;

    @BeforeEach
    void startServer() {
        server = TestMcpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.awaitLiveSessions(0, Duration.ofSeconds(10));
        server.close();
    }

    /** A model that asks for one tool call, then answers with the tool's result. */
    static final class ScriptedModel implements ChatModel {

        private final String tool;
        private final String arguments;

        ScriptedModel(String tool, String arguments) {
            this.tool = tool;
            this.arguments = arguments;
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            List<Message> messages = prompt.getInstructions();
            AssistantMessage answer = messages.get(messages.size() - 1) instanceof ToolResponseMessage result
                    ? new AssistantMessage(result.getResponses().get(0).responseData())
                    : AssistantMessage.builder().content("").toolCalls(List.of(
                            new AssistantMessage.ToolCall("call-1", "function", tool, arguments))).build();
            return new ChatResponse(List.of(new Generation(answer)));
        }

        @Override
        public ChatOptions getOptions() {
            return ToolCallingChatOptions.builder().build();
        }

    }

    private ApplicationContextRunner runner(ChatModel model) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(McpPoolAutoConfiguration.class,
                        McpPoolToolsAutoConfiguration.class))
                .withPropertyValues("mcp.pool.servers.docs.url=" + server.streamableUri())
                .withBean(ChatClient.class, () -> ChatClient.builder(model)
                        // Provider models (OpenAI, Anthropic, ...) run tool calls themselves; a bare model needs this.
                        .defaultAdvisors(ToolCallingAdvisor.builder().build())
                        .build())
                .withBean(AssistantService.class);
    }

    @Test
    void eachUsersToolCallsFromTheModelRunOnThatUsersSession() {
        runner(new ScriptedModel("docs_whoami", "{}")).run(context -> {
            AssistantService assistant = context.getBean(AssistantService.class);
            String alice1 = as("alice", () -> WhoAmI.parse(text(assistant.answer("who am I?"))).sessionId());
            String bob1 = as("bob", () -> WhoAmI.parse(text(assistant.answer("who am I?"))).sessionId());
            String alice2 = as("alice", () -> WhoAmI.parse(text(assistant.answer("and now?"))).sessionId());
            String bob2 = as("bob", () -> WhoAmI.parse(text(assistant.answer("and now?"))).sessionId());

            assertThat(alice2).isEqualTo(alice1);
            assertThat(bob2).isEqualTo(bob1);
            assertThat(alice1).isNotEqualTo(bob1);
            assertThat(context.getBean(McpSessionPool.class).stats().keyCount()).isEqualTo(2);
        });
    }

    @Test
    void theModelsArgumentsReachTheTool() {
        runner(new ScriptedModel("docs_echo", "{\"text\":\"from the model\"}")).run(context -> {
            String answer = as("alice", () -> context.getBean(AssistantService.class).answer("say it"));
            assertThat(text(answer)).isEqualTo("from the model");
            assertThat(as("alice", () -> context.getBean(AssistantService.class).echo("direct"))).isEqualTo("direct");
            assertThat(Set.copyOf(Tools.names(context.getBean(ToolCallbackProvider.class))))
                    .contains("docs_echo", "docs_whoami");
        });
    }
}
