package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.StdioCommand;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How {@code --stdio "COMMAND ARGS..."} is split into words: a shell's simple-command rules, nothing expanded. */
class StdioCommandLineTest {

    @Test
    void spacesSeparateWords() {
        assertThat(StdioCommandLine.split("  node   server.js\tstdio\n")).containsExactly("node", "server.js",
                "stdio");
    }

    @Test
    void singleQuotesKeepEverything() {
        assertThat(StdioCommandLine.split("python -c 'print(\"a  b\\n\")' x")).containsExactly("python", "-c",
                "print(\"a  b\\n\")", "x");
    }

    @Test
    void doubleQuotesKeepEverythingButEscapedQuotesAndBackslashes() {
        assertThat(StdioCommandLine.split("run \"a 'b' \\\"c\\\" \\\\ \\n $HOME\"")).containsExactly("run",
                "a 'b' \"c\" \\ \\n $HOME");
    }

    @Test
    void backslashOutsideQuotesEscapesTheNextCharacter() {
        assertThat(StdioCommandLine.split("/opt/my\\ server --x=\\'y")).containsExactly("/opt/my server", "--x='y");
    }

    @Test
    void adjacentPartsFormOneWordAndEmptyQuotesAnEmptyWord() {
        assertThat(StdioCommandLine.split("cmd --name=\"a b\"'c d' '' \"\"")).containsExactly("cmd",
                "--name=a bc d", "", "");
    }

    @Test
    void nothingIsExpandedOrInterpreted() {
        assertThat(StdioCommandLine.split("cmd $HOME ~ *.js a|b > out ; &")).containsExactly("cmd", "$HOME", "~",
                "*.js", "a|b", ">", "out", ";", "&");
    }

    @Test
    void errorsNeverEchoTheText() {
        assertThatThrownBy(() -> StdioCommandLine.split("cmd 'secret")).hasMessage("unterminated single quote");
        assertThatThrownBy(() -> StdioCommandLine.split("cmd \"secret")).hasMessage("unterminated double quote");
        assertThatThrownBy(() -> StdioCommandLine.split("cmd secret\\"))
                .hasMessage("ends with a backslash that escapes nothing");
        assertThatThrownBy(() -> StdioCommandLine.parse("   ", Map.of())).hasMessageStartingWith("the command is empty");
        assertThatThrownBy(() -> StdioCommandLine.parse("'' x", Map.of())).hasMessageStartingWith("the command is empty");
    }

    @Test
    void parseGivesTheCommandArgumentsAndEnvironment() {
        StdioCommand command = StdioCommandLine.parse("node '/srv/my server/index.js' stdio", Map.of("K", "v"));

        assertThat(command.command()).isEqualTo("node");
        assertThat(command.args()).isEqualTo(List.of("/srv/my server/index.js", "stdio"));
        assertThat(command.environment()).isEqualTo(Map.of("K", "v"));
        assertThat(command.displayName()).isEqualTo("node");
    }
}
