package dev.mcppool.cli;

import dev.mcppool.StdioCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code --stdio "COMMAND ARGS..."} string split into words the way a POSIX shell splits a simple command,
 * without running a shell:
 *
 * <ul>
 *   <li>spaces, tabs and newlines outside quotes separate words;
 *   <li>{@code '...'} keeps everything inside literally (no escapes);
 *   <li>{@code "..."} keeps everything inside literally, except that {@code \"} and {@code \\} stand for
 *       {@code "} and {@code \};
 *   <li>outside quotes, a backslash makes the next character literal ({@code a\ b} is one word);
 *   <li>quoted and unquoted parts next to each other form one word ({@code --name="a b"} is {@code --name=a b});
 *       {@code ''} and {@code ""} give an empty word;
 *   <li>nothing is expanded or interpreted: {@code $VAR}, {@code ~}, {@code *}, {@code |}, {@code >}, {@code ;} and
 *       {@code &} are passed on as they are.
 * </ul>
 *
 * <p>The string may hold secrets in its arguments: messages name what is wrong, never the text.
 */
final class StdioCommandLine {

    private StdioCommandLine() {
    }

    /** The command for this string and environment; the first word is the executable. */
    static StdioCommand parse(String text, Map<String, String> environment) {
        List<String> words = split(text);
        if (words.isEmpty() || words.get(0).isEmpty()) {
            throw new IllegalArgumentException("the command is empty; expected --stdio \"COMMAND ARGS...\"");
        }
        return new StdioCommand(words.get(0), words.subList(1, words.size()), environment, null);
    }

    /**
     * The words of {@code text}.
     *
     * @throws IllegalArgumentException for an unterminated quote or a trailing backslash, without the text
     */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote");
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = text.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                        word.append(text.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated double quote");
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("ends with a backslash that escapes nothing");
                }
                word.append(text.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
