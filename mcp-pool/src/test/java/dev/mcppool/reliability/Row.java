package dev.mcppool.reliability;

/** Prints one line of measured results for RELIABILITY.md, to the test's output file. */
final class Row {

    private Row() {
    }

    static void print(String scenario, String measured) {
        System.out.println("RELIABILITY | " + scenario + " | " + measured);
    }
}
