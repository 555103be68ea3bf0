package dev.lanes.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.io.Npy;
import dev.lanes.models.builders.Architecture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lanes build-model} writes a model and an input that {@code lanes run} takes as they are. */
class BuildModelCommandTest {

    private static int lanes(String... args) {
        return new CommandLine(new LanesCommand()).execute(args);
    }

    @Test
    void writesAModelThatRunsOnItsExampleInput(@TempDir Path dir) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream p = new PrintStream(buf, true)) {
            System.setOut(p);
            code = lanes("build-model", "bert_base", "--tiny", "--seed", "3", "--dir", dir.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, buf.toString());
        Path model = dir.resolve("bert_base.onnx");
        assertTrue(buf.toString().contains("lanes run " + model), buf.toString());

        // The written input is the builder's example input, and the file is the builder's model.
        var built = Architecture.BERT_BASE.build(Architecture.Size.TINY, 3);
        Tensor ids = Npy.read(dir.resolve("bert_base.inputs").resolve("input_ids.npy"));
        assertTrue(ids.contentEquals(built.exampleInputs().get("input_ids")));
        SessionOptions ref = SessionOptions.defaults().withBackend(Backend.REFERENCE).withThreads(1);
        try (Session a = Session.open(model, ref); Session b = Session.open(built.model(), ref)) {
            Map<String, Tensor> in = built.exampleInputs();
            assertTrue(a.run(in).get("pooler_output").contentEquals(b.run(in).get("pooler_output")));
        }

        Path out = dir.resolve("out");
        String[] args = buf.toString().lines().filter(l -> l.startsWith("  lanes run ")).findFirst().orElseThrow()
                .trim().substring("lanes ".length()).split(" ");
        String[] withOut = java.util.Arrays.copyOf(args, args.length + 2);
        withOut[args.length] = "--output-dir";
        withOut[args.length + 1] = out.toString();
        assertEquals(0, lanes(withOut));
        assertTrue(Files.exists(out.resolve("last_hidden_state.npy")));
    }

    @Test
    void unknownArchitectureIsNamed(@TempDir Path dir) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream p = new PrintStream(buf, true)) {
            System.setErr(p);
            code = lanes("build-model", "alexnet", "--dir", dir.toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        assertTrue(buf.toString().contains("unknown architecture 'alexnet'") && buf.toString().contains("resnet50"), buf.toString());
    }
}
