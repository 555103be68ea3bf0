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
    void infoTellsRawWeightsAConvHolderKeepsFromItsForms() throws Exception {
        Result r = run("info", TinyModels.winogradConv(dir).toString(), "-t", "1");
        assertEquals(0, r.code(), r.err());
        // 32·16·9 floats = 18432 bytes kept raw by the one holder (Winograd cannot give them back), the
        // transformed filters as packed, nothing raw in the plans
        assertTrue(r.out().contains("(raw 0.0 MB in 0 constants + raw 0.0 MB kept by 1 weight holders + packed "), r.out());
        assertTrue(r.out().contains("; 1 without raw values in the plans)"), r.out());
    }

    @Test
    void infoOnAnOnnxFile() throws Exception {
        Result r = run("info", TinyModels.mlp(dir).toString(), "--dim", "batch=2", "-t", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FLOPs per run: 224"), r.out());
        assertTrue(r.out().contains("run with [2, 4]"), r.out());
        assertTrue(r.out().contains("kernels: PackedGemm: "), r.out());
        // Both MatMul weights are held packed only: the session keeps no raw copy of them.
        assertTrue(r.out().contains("weights held by the session: ") && r.out().contains("; 2 without raw values in the plans)"), r.out());
    }

    @Test
    void infoWithTimingsShowsTheLoadPhasesAndTheFirstTwoRuns() throws Exception {
        Result r = run("info", TinyModels.mlp(dir).toString(), "--dim", "batch=2", "-t", "1", "--timings");
        assertEquals(0, r.code(), r.err());
        for (String phase : new String[] {"load ", "first run ", "second run "}) {
            assertTrue(r.out().contains(phase), phase + " in " + r.out());
        }
        assertTrue(r.out().indexOf("FLOPs per run") < r.out().indexOf("first run"), r.out());
        assertTrue(!run("info", TinyModels.mlp(dir).toString(), "--dim", "batch=2", "-t", "1").out().contains("first run"));
    }

    @Test
    void benchPrintsPercentilesAsJson() throws Exception {
        Result r = run("bench", TinyModels.mlp(dir).toString(), "--json", "-w", "2", "-n", "5", "-t", "1", "--dim", "batch=3",
                "--jit-quiet", "0.2", "--max-warmup-time", "20");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().strip()).getAsJsonObject();
        assertEquals(5, o.get("runs").getAsInt());
        assertEquals(1, o.get("threads").getAsInt());
        assertTrue(o.get("p50_ms").getAsDouble() <= o.get("max_ms").getAsDouble());
        assertTrue(o.has("steady") && o.get("warmup_s").getAsDouble() > 0, r.out());
        Result text = run("bench", TinyModels.mlp(dir).toString(), "-w", "1", "-n", "3", "--backend", "reference", "--jit-quiet", "0");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("reference backend") && text.out().contains("p99"), text.out());
        Result bad = run("bench", TinyModels.mlp(dir).toString(), "--warmup-time", "5", "--max-warmup-time", "1");
        assertTrue(bad.code() != 0 && bad.err().contains("--max-warmup-time"), bad.err());
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
    void theMainJobShowsThatSimilarSentencesAreClose() {
        Result r = run("-t", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cosine similarity") && r.out().contains("latency: model load"), r.out());
        // rows of the matrix: "[i]" then five similarities
        double[][] m = new double[5][];
        for (String line : r.out().lines().toList()) {
            String t = line.strip();
            for (int i = 0; i < 5; i++) {
                if (t.startsWith("[" + (i + 1) + "]") && t.split("\\s+").length == 6) {
                    m[i] = java.util.Arrays.stream(t.split("\\s+")).skip(1).mapToDouble(Double::parseDouble).toArray();
                }
            }
        }
        for (int i = 0; i < 5; i++) assertEquals(1.0, m[i][i], 1e-3, r.out());
        // the two guitar sentences and the two market sentences are each other's nearest
        assertTrue(m[0][1] > m[0][2] && m[0][1] > m[0][3] && m[2][3] > m[2][0] && m[2][3] > m[2][4], r.out());
    }

    @Test
    void embedPrintsUnitVectorsAsJson() throws Exception {
        Path texts = java.nio.file.Files.writeString(dir.resolve("texts.txt"), "The cat sat on the mat.\n\nA dog barked.\n");
        Result r = run("embed", "--json", "-f", texts.toString(), "Hello world", "-t", "1", "--batch", "2");
        assertEquals(0, r.code(), r.err());
        java.util.List<String> lines = r.out().strip().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertEquals("Hello world", JsonParser.parseString(lines.get(0)).getAsJsonObject().get("text").getAsString());
        for (String line : lines) {
            var v = JsonParser.parseString(line).getAsJsonObject().getAsJsonArray("embedding");
            assertEquals(384, v.size());
            double norm = 0;
            for (var e : v) norm += e.getAsDouble() * e.getAsDouble();
            assertEquals(1.0, norm, 1e-4);
        }
    }

    /** The reference page (undone from its normalisation into a PNG) gives the boxes ONNX Runtime's map gives. */
    @Test
    void detectTextFindsTheLinesOfTheReferencePage() throws Exception {
        float[] x = dev.lanes.models.RealModel.PPOCR_V4_DET.reference().input("x").floats();
        float[] mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
        byte[] bgr = new byte[640 * 384 * 3];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 640 * 384; i++) bgr[i * 3 + c] = (byte) Math.round((x[c * 640 * 384 + i] * std[c] + mean[c]) * 255);
        }
        Path page = dir.resolve("page.png");
        new dev.lanes.models.vision.BgrImage(640, 384, bgr).writePng(page);
        Result r = run("detect-text", page.toString(), "-t", "2");
        assertEquals(0, r.code(), r.err());
        float[] ortMap = dev.lanes.models.RealModel.PPOCR_V4_DET.reference().output("sigmoid_0.tmp_0").floats();
        int expected = dev.lanes.models.vision.DbPostProcess.PADDLE_DEFAULT.boxes(ortMap, 640, 384, 640, 384).size();
        assertTrue(r.out().contains(expected + " text boxes"), r.out());
        assertTrue(r.out().contains("0 deg"), "rendered upright text reads at 0 degrees: " + r.out());
        assertTrue(java.nio.file.Files.size(dir.resolve("page.text.png")) > 0);
    }

    @Test
    void infoAndCompareOnARealModel() {
        Result info = run("info", "ppocr_mobile_v2_cls", "-t", "1");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("Conv") && info.out().contains("run with [1, 3, 48, 192]"), info.out());
        Result cmp = run("compare", "ppocr_mobile_v2_cls", "-t", "1");
        assertEquals(0, cmp.code(), cmp.out() + cmp.err());
        assertTrue(cmp.out().contains("no node diverges"), cmp.out());
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
