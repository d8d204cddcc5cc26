package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Guards the public API of the module {@code dev.mcppool}, in the spirit of OkHttp's committed
 * {@code okhttp/api/jvm/okhttp.api}: {@code api/mcp-pool.api} lists every public and protected type and member of
 * the exported package {@code dev.mcppool}, and this test fails when the compiled classes list anything else. An
 * API change then shows up in review as a diff of that file.
 *
 * <p>To accept a change, regenerate the file and commit it with the change:
 *
 * <pre>mvn -pl mcp-pool -am test -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true</pre>
 *
 * <p>The listing is made by reflection from {@code target/classes}: the module's exports, opens and
 * {@code requires transitive} (those are part of the API too), then each public or protected type of
 * {@code dev.mcppool} (nested ones included, when reachable from outside) with its public and protected fields,
 * constructors and methods. Synthetic and bridge members are left out; inherited members are listed on the type
 * that declares them. Types are sorted by name; in a type, fields come first, then constructors, then methods,
 * each sorted by name and signature. Type names are binary names ({@code PoolConfig$Builder}), generic
 * signatures as declared.
 */
class ApiSurfaceTest {

    static final String PACKAGE = "dev.mcppool";
    static final Path API_FILE = moduleDir().resolve("api").resolve("mcp-pool.api");
    static final String REGENERATE = "mvn -pl mcp-pool -am test -Dtest=ApiSurfaceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true";

    @Test
    void publicApiMatchesTheCommittedListing() throws IOException {
        String actual = render();
        if (Boolean.getBoolean("api.update")) {
            Files.createDirectories(API_FILE.getParent());
            Files.writeString(API_FILE, actual, StandardCharsets.UTF_8);
            System.out.println("ApiSurfaceTest: wrote " + API_FILE);
            return;
        }
        if (!Files.exists(API_FILE)) {
            throw new AssertionError("The API listing " + API_FILE + " is missing. Generate it with\n  "
                    + REGENERATE + "\nand commit it.");
        }
        String committed = Files.readString(API_FILE, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (!committed.equals(actual)) {
            throw new AssertionError("The public API of module dev.mcppool differs from " + API_FILE + ".\n"
                    + "Lines with - are in the committed file only, lines with + in the compiled classes only:\n\n"
                    + diff(lines(committed), lines(actual))
                    + "\nIf the change is intended (and compatible, or noted as a breaking change), regenerate"
                    + " the file and commit it with the change:\n  " + REGENERATE + "\n");
        }
    }

    @Test
    void noInternalTypeIsPartOfTheApi() {
        List<String> leaks = lines(render()).stream()
                .filter(line -> line.contains(PACKAGE + ".internal."))
                .collect(Collectors.toList());
        assertThat(leaks)
                .as("public or protected members of dev.mcppool that name a type of the unexported package"
                        + " dev.mcppool.internal (callers outside the module cannot use them)")
                .isEmpty();
    }

    @Test
    void theModuleExportsTheApiPackageOnly() throws IOException {
        ModuleDescriptor module = moduleDescriptor();
        assertThat(module.name()).isEqualTo(PACKAGE);
        assertThat(module.exports()).hasSize(1);
        ModuleDescriptor.Exports export = module.exports().iterator().next();
        assertThat(export.source()).isEqualTo(PACKAGE);
        assertThat(export.isQualified()).as("exported to every module").isFalse();
        assertThat(module.opens()).as("opened packages").isEmpty();
        assertThat(module.isOpen()).as("open module").isFalse();
    }

    // ---- the listing -------------------------------------------------------------------------------------------

    static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# The public API of module dev.mcppool; checked by ApiSurfaceTest. Regenerate with\n");
        out.append("#   ").append(REGENERATE).append('\n');
        out.append('\n');
        try {
            renderModule(moduleDescriptor(), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (Class<?> type : apiTypes()) {
            out.append('\n');
            renderType(type, out);
        }
        return out.toString();
    }

    static void renderModule(ModuleDescriptor module, StringBuilder out) {
        out.append("module ").append(module.name()).append('\n');
        Set<String> lines = new TreeSet<>();
        module.exports().forEach(e -> lines.add("exports " + e.source()
                + (e.isQualified() ? " to " + String.join(", ", new TreeSet<>(e.targets())) : "")));
        module.opens().forEach(o -> lines.add("opens " + o.source()
                + (o.isQualified() ? " to " + String.join(", ", new TreeSet<>(o.targets())) : "")));
        module.requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .forEach(r -> lines.add("requires transitive " + r.name()));
        lines.forEach(line -> out.append('\t').append(line).append('\n'));
    }

    static void renderType(Class<?> type, StringBuilder out) {
        out.append(typeHeader(type)).append('\n');
        List<Member> members = new ArrayList<>();
        Arrays.stream(type.getDeclaredFields()).filter(f -> !f.isSynthetic() && isApi(f.getModifiers()))
                .forEach(members::add);
        Arrays.stream(type.getDeclaredConstructors()).filter(c -> !c.isSynthetic() && isApi(c.getModifiers()))
                .forEach(members::add);
        Arrays.stream(type.getDeclaredMethods())
                .filter(m -> !m.isSynthetic() && !m.isBridge() && isApi(m.getModifiers()))
                .forEach(members::add);
        members.stream()
                .map(m -> new String[] {kindOrder(m) + m.getName(), signatureKey(m), memberLine(m)})
                .sorted(Comparator.<String[], String>comparing(k -> k[0]).thenComparing(k -> k[1])
                        .thenComparing(k -> k[2]))
                .forEach(k -> out.append('\t').append(k[2]).append('\n'));
    }

    /** Public and protected types of the package whose every enclosing type is public or protected too. */
    static List<Class<?>> apiTypes() {
        Path dir = classesDir().resolve(PACKAGE.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().collect(Collectors.toList())) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".class") || fileName.equals("package-info.class")) {
                    continue;
                }
                String name = PACKAGE + "." + fileName.substring(0, fileName.length() - ".class".length());
                Class<?> type = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
                if (isReachable(type)) {
                    types.add(type);
                }
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot list the classes of " + dir, e);
        }
        types.sort(Comparator.comparing(Class::getName));
        return types;
    }

    static boolean isReachable(Class<?> type) {
        if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!isApi(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    static String typeHeader(Class<?> type) {
        StringBuilder line = new StringBuilder();
        if (type.isAnnotationPresent(Deprecated.class)) {
            line.append("@Deprecated ");
        }
        int modifiers = type.getModifiers();
        line.append(Modifier.isPublic(modifiers) ? "public " : "protected ");
        if (Modifier.isStatic(modifiers) && !type.isInterface() && !type.isEnum() && !type.isRecord()) {
            line.append("static ");
        }
        String kind;
        if (type.isAnnotation()) {
            kind = "@interface";
        } else if (type.isInterface()) {
            kind = "interface";
        } else if (type.isEnum()) {
            kind = "enum";
        } else if (type.isRecord()) {
            kind = "record";
        } else {
            kind = "class";
            if (Modifier.isAbstract(modifiers)) {
                line.append("abstract ");
            }
            if (Modifier.isFinal(modifiers)) {
                line.append("final ");
            }
        }
        if (type.isSealed()) {
            line.append("sealed ");
        } else if (isNonSealed(type)) {
            line.append("non-sealed ");
        }
        line.append(kind).append(' ').append(type.getName()).append(typeParameters(type.getTypeParameters()));
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && !type.isEnum() && !type.isRecord() && superclass != Object.class) {
            line.append(" extends ").append(typeName(superclass));
        }
        List<String> interfaces = Arrays.stream(type.getGenericInterfaces()).map(ApiSurfaceTest::typeName)
                .collect(Collectors.toList());
        if (type.isAnnotation()) {
            interfaces.remove("java.lang.annotation.Annotation");
        }
        if (!interfaces.isEmpty()) {
            line.append(type.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
        }
        if (type.isSealed()) {
            line.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getName)
                    .sorted().collect(Collectors.joining(", ")));
        }
        return line.toString();
    }

    static boolean isNonSealed(Class<?> type) {
        if (type.isSealed() || Modifier.isFinal(type.getModifiers())) {
            return false;
        }
        Class<?> superclass = type.getSuperclass();
        if (superclass != null && superclass.isSealed()) {
            return true;
        }
        return Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed);
    }

    static String memberLine(Member member) {
        StringBuilder line = new StringBuilder();
        if (((java.lang.reflect.AnnotatedElement) member).isAnnotationPresent(Deprecated.class)) {
            line.append("@Deprecated ");
        }
        int modifiers = member.getModifiers();
        line.append(Modifier.isPublic(modifiers) ? "public " : "protected ");
        if (member instanceof Method && ((Method) member).isDefault()) {
            line.append("default ");
        }
        if (Modifier.isAbstract(modifiers)) {
            line.append("abstract ");
        }
        if (Modifier.isStatic(modifiers)) {
            line.append("static ");
        }
        if (Modifier.isFinal(modifiers)) {
            line.append("final ");
        }
        if (member instanceof Field) {
            Field field = (Field) member;
            return line.append(typeName(field.getGenericType())).append(' ').append(field.getName()).toString();
        }
        Executable executable = (Executable) member;
        String typeParameters = typeParameters(executable.getTypeParameters());
        if (!typeParameters.isEmpty()) {
            line.append(typeParameters).append(' ');
        }
        if (member instanceof Method) {
            line.append(typeName(((Method) member).getGenericReturnType())).append(' ').append(member.getName());
        } else {
            line.append("<init>");
        }
        line.append('(').append(parameters(executable)).append(')');
        Type[] exceptions = executable.getGenericExceptionTypes();
        if (exceptions.length > 0) {
            line.append(" throws ").append(Arrays.stream(exceptions).map(ApiSurfaceTest::typeName)
                    .collect(Collectors.joining(", ")));
        }
        return line.toString();
    }

    static String kindOrder(Member member) {
        return member instanceof Field ? "0 " : member instanceof Constructor ? "1 " : "2 ";
    }

    static String signatureKey(Member member) {
        return member instanceof Executable ? parameters((Executable) member) : "";
    }

    static String parameters(Executable executable) {
        Type[] types = executable.getGenericParameterTypes();
        if (types.length != executable.getParameterCount()) {
            // Generic signature without the implicit parameters (an inner class's outer instance): use erasures.
            types = executable.getParameterTypes();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            String name = typeName(types[i]);
            if (executable.isVarArgs() && i == types.length - 1 && name.endsWith("[]")) {
                name = name.substring(0, name.length() - 2) + "...";
            }
            names.add(name);
        }
        return String.join(", ", names);
    }

    static String typeParameters(TypeVariable<?>[] variables) {
        if (variables.length == 0) {
            return "";
        }
        return Arrays.stream(variables).map(v -> {
            List<String> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class)
                    .map(ApiSurfaceTest::typeName).collect(Collectors.toList());
            return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
        }).collect(Collectors.joining(", ", "<", ">"));
    }

    /** A type as written in Java, with binary class names; independent of the JDK's toString formats. */
    static String typeName(Type type) {
        if (type instanceof Class<?>) {
            Class<?> c = (Class<?>) type;
            return c.isArray() ? typeName(c.getComponentType()) + "[]" : c.getName();
        }
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            String raw = p.getOwnerType() instanceof ParameterizedType
                    ? typeName(p.getOwnerType()) + "$" + ((Class<?>) p.getRawType()).getSimpleName()
                    : typeName(p.getRawType());
            return raw + Arrays.stream(p.getActualTypeArguments()).map(ApiSurfaceTest::typeName)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        if (type instanceof GenericArrayType) {
            return typeName(((GenericArrayType) type).getGenericComponentType()) + "[]";
        }
        if (type instanceof WildcardType) {
            WildcardType w = (WildcardType) type;
            if (w.getLowerBounds().length > 0) {
                return "? super " + typeName(w.getLowerBounds()[0]);
            }
            Type[] upper = w.getUpperBounds();
            return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + typeName(upper[0]);
        }
        if (type instanceof TypeVariable<?>) {
            return ((TypeVariable<?>) type).getName();
        }
        return type.getTypeName();
    }

    // ---- files -------------------------------------------------------------------------------------------------

    static ModuleDescriptor moduleDescriptor() throws IOException {
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** The compiled main classes of this module (target/classes), where {@link McpSessionPool} was loaded from. */
    static Path classesDir() {
        try {
            return Path.of(McpSessionPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** mcp-pool/: surefire's basedir, else the parent of target/classes. */
    static Path moduleDir() {
        String basedir = System.getProperty("basedir");
        return basedir != null ? Path.of(basedir) : classesDir().getParent().getParent();
    }

    static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /**
     * A line diff (longest common subsequence) of the two listings: each changed member line is shown under the
     * header of its type, so the message says which type changed.
     */
    static String diff(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = expected.get(i).equals(actual.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        String header = null;
        String printedHeader = null;
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            String line;
            char sign;
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                line = expected.get(i);
                sign = ' ';
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                line = expected.get(i++);
                sign = '-';
            } else {
                line = actual.get(j++);
                sign = '+';
            }
            boolean member = line.startsWith("\t");
            if (!member) {
                header = line;
            }
            if (sign == ' ') {
                continue;
            }
            if (member && header != null && !header.equals(printedHeader)) {
                out.append("  ").append(header).append('\n');
            }
            out.append(sign).append(' ').append(member ? "    " + line.substring(1) : line).append('\n');
            printedHeader = header;
        }
        return out.toString();
    }
}
