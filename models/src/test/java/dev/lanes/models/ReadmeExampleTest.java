package dev.lanes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example in the README compiles and runs exactly as printed there, so it never rots: its
 * import lines become the imports of a class and the rest the body of its {@code main}.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    static String javaExample(Path readme) throws Exception {
        String text = Files.readString(readme);
        int section = text.indexOf("## Java API");
        assertTrue(section >= 0, "the README has a '## Java API' section");
        int start = text.indexOf("```java\n", section);
        int end = text.indexOf("```", start + 8);
        assertTrue(start >= 0 && end > start, "the Java API section has a java code block");
        return text.substring(start + 8, end);
    }

    static Path readme() {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("models"))) return p.resolve("README.md");
        }
        throw new IllegalStateException("no README.md above " + here);
    }

    @Test
    void theReadmeJavaExampleCompilesAndRuns() throws Exception {
        String code = javaExample(readme());
        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        for (String line : code.lines().toList()) (line.startsWith("import ") ? imports : body).append(line).append('\n');
        assertTrue(body.toString().contains("Session.open"), "the example opens a Session");
        String source = imports + "\npublic class ReadmeExample {\n    public static void main(String[] args) throws Exception {\n"
                + body.toString().indent(8) + "    }\n}\n";
        Path src = Files.writeString(dir.resolve("ReadmeExample.java"), source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                "--add-modules", "jdk.incubator.vector", "-Xlint:none", src.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8) + "\n" + source);

        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass("ReadmeExample").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        List<String> lines = new ArrayList<>(printed.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals(List.of("[1, 4, 384]"), lines.subList(0, 1), "what the README says the example prints");
    }
}
