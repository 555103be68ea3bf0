package dev.lanes.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lanes.models.inspect.TinyModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: output, exit codes and the messages of errors a user can act on. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = LanesCommand.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String sub : new String[] {"embed", "detect-text", "info", "bench", "compare"}) assertTrue(r.out().contains(sub), r.out());
    }

    @Test
    void infoOnAnOnnxFile() throws Exception {
        Result r = run("info", TinyModels.mlp(dir).toString(), "--dim", "batch=2", "-t", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FLOPs per run: 224"), r.out());
        assertTrue(r.out().contains("run with [2, 4]"), r.out());
    }

    @Test
    void benchPrintsPercentilesAsJson() throws Exception {
        Result r = run("bench", TinyModels.mlp(dir).toString(), "--json", "-w", "2", "-n", "5", "-t", "1", "--dim", "batch=3");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().strip()).getAsJsonObject();
        assertEquals(5, o.get("runs").getAsInt());
        assertEquals(1, o.get("threads").getAsInt());
        assertTrue(o.get("p50_ms").getAsDouble() <= o.get("max_ms").getAsDouble());
        Result text = run("bench", TinyModels.mlp(dir).toString(), "-w", "1", "-n", "3", "--backend", "reference");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("reference backend") && text.out().contains("p99"), text.out());
    }

    @Test
    void compareFindsNoDivergenceOnTheTinyMlp() throws Exception {
        Result r = run("compare", TinyModels.mlp(dir).toString(), "--dim", "batch=2", "--all");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no node diverges") && r.out().contains("mm2"), r.out());
    }

    @Test
    void actionableErrorsAreOneLineWithExitCode1() throws Exception {
        Result missing = run("info", dir.resolve("absent.onnx").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no model file") && missing.err().contains("minilm_l6_v2"), missing.err());

        Result odd = run("bench", TinyModels.unsupported(dir).toString());
        assertEquals(1, odd.code());
        assertTrue(odd.err().contains("Frobnicate") && odd.err().contains("the_odd_one"), odd.err());
        assertEquals(1, odd.err().strip().lines().count(), odd.err());

        Result image = run("detect-text", dir.resolve("nope.png").toString());
        assertEquals(1, image.code());
        assertTrue(image.err().contains("no image file"), image.err());

        Result nothing = run("embed");
        assertEquals(1, nothing.code());
        assertTrue(nothing.err().contains("nothing to embed"), nothing.err());

        Result dim = run("info", TinyModels.mlp(dir).toString(), "--dim", "batch=zero");
        assertEquals(1, dim.code());
        assertTrue(dim.err().contains("--dim batch=zero"), dim.err());
    }

    @Test
    void theAnnotatedImageGoesNextToTheInput() {
        assertEquals(dir.resolve("page.text.png"), DetectTextCommand.defaultOut(dir.resolve("page.jpg")));
        assertEquals(dir.resolve("scan.text.png"), DetectTextCommand.defaultOut(dir.resolve("scan")));
    }

    @Test
    void theProgressBarFillsUp() {
        ProgressBar bar = new ProgressBar(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), "x", 4, true);
        assertEquals("x [...............] 0/4".replace("...............", ".".repeat(30)), bar.render(0));
        assertEquals("x [" + "#".repeat(15) + ".".repeat(15) + "] 2/4", bar.render(2));
        assertEquals("x [" + "#".repeat(30) + "] 4/4", bar.render(9));
    }
}
