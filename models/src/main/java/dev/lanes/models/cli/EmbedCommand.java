package dev.lanes.models.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.lanes.graph.Backend;
import dev.lanes.models.KnownModel;
import dev.lanes.models.ModelStore;
import dev.lanes.models.text.CosineSimilarity;
import dev.lanes.models.text.SentenceEmbedder;
import dev.lanes.models.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lanes embed}: sentence embeddings with all-MiniLM-L6-v2. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions, unit length) of texts given as",
            "arguments or in a file, one text a line. With two or more texts, also their cosine similarities."})
final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to embed.")
    List<String> texts = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read texts from FILE, one a line (blank lines skipped).")
    Path file;

    @Option(names = "--batch", defaultValue = "16", description = "Texts per encoder run (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Intra-op threads (default: all processors).")
    int threads;

    @Option(names = "--json", description = "Print one JSON object per text: {\"text\": ..., \"embedding\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(texts);
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no text file at " + file);
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!line.isBlank()) all.add(line.strip());
        }
        if (all.isEmpty()) throw new IllegalArgumentException("nothing to embed: give TEXT arguments or --file FILE");
        ModelStore store = ModelStore.standard();
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(store.path(KnownModel.MINILM_L6_V2_TOKENIZER));
        var loaded = SessionFactory.open(store.path(KnownModel.MINILM_L6_V2), SessionFactory.options(threads, Backend.FAST));
        try (var session = loaded.session()) {
            long t0 = System.nanoTime();
            float[][] emb = new SentenceEmbedder(session, tokenizer, batch).embed(all);
            double ms = (System.nanoTime() - t0) / 1e6;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Gson gson = new Gson();
                for (int i = 0; i < all.size(); i++) {
                    JsonObject o = new JsonObject();
                    o.addProperty("text", all.get(i));
                    JsonArray v = new JsonArray();
                    for (float f : emb[i]) v.add(f);
                    o.add("embedding", v);
                    out.println(gson.toJson(o));
                }
            } else {
                for (int i = 0; i < all.size(); i++) {
                    out.printf(Locale.ROOT, "[%d] %s%n    %s%n", i + 1, Format.clip(all.get(i), 90), Format.vectorHead(emb[i], 6));
                }
                if (all.size() > 1) {
                    float[] flat = new float[all.size() * emb[0].length];
                    for (int i = 0; i < all.size(); i++) System.arraycopy(emb[i], 0, flat, i * emb[0].length, emb[0].length);
                    out.println();
                    out.print(Format.similarityMatrix(CosineSimilarity.matrix(flat, all.size(), emb[0].length)));
                }
                out.printf(Locale.ROOT, "%n%d texts in %.1f ms (model loaded in %.0f ms, %d threads)%n",
                        all.size(), ms, loaded.loadMillis(), session.options().threads());
            }
            out.flush();
        }
        return 0;
    }
}
