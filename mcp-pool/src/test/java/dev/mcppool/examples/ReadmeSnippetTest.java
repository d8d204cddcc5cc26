package dev.mcppool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Keeps the README's code honest: every block marked {@code <!-- snippet: path#tag -->} must equal, line for line,
 * the code between {@code // tag::tag[]} and {@code // end::tag[]} in that (compiled and tested) source file.
 */
class ReadmeSnippetTest {

    private static final Path ROOT = projectRoot();
    private static final Path README = ROOT.resolve("README.md");
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```java\\R(.*?)```", Pattern.DOTALL);

    @Test
    void everySnippetMatchesItsSource() throws IOException {
        Matcher snippet = SNIPPET.matcher(Files.readString(README));
        int checked = 0;
        while (snippet.find()) {
            List<String> source = region(ROOT.resolve(snippet.group(1)), snippet.group(2));
            assertThat(snippet.group(3).lines().toList())
                    .as("README snippet %s#%s", snippet.group(1), snippet.group(2))
                    .containsExactlyElementsOf(source);
            checked++;
        }
        assertThat(checked).as("snippets in " + README).isPositive();
    }

    /** The repository root: the nearest directory above the module that holds the README. */
    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The lines between the tag markers, with their common indentation removed. */
    private static List<String> region(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = indexOf(lines, "// tag::" + tag + "[]", file) + 1;
        int end = indexOf(lines, "// end::" + tag + "[]", file);
        List<String> region = new ArrayList<>(lines.subList(start, end));
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        region.replaceAll(l -> l.isBlank() ? "" : l.substring(indent));
        return region;
    }

    private static int indexOf(List<String> lines, String marker, Path file) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError(marker + " not found in " + file);
    }
}
