package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.models.KnownModel;
import dev.lanes.models.ModelStore;
import dev.lanes.models.inspect.LatencyRecorder;
import dev.lanes.models.text.CosineSimilarity;
import dev.lanes.models.text.SentenceEmbedder;
import dev.lanes.models.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What {@code ./lanes} does with no arguments: embeds a few sentences with all-MiniLM-L6-v2 (fetched on
 * first use), prints their cosine-similarity matrix, and how long loading, the first run and warm runs took.
 */
final class MainJob {
    static final List<String> SENTENCES = List.of(
            "A man is playing a guitar on stage.",
            "Someone performs a song with an acoustic guitar.",
            "The stock market fell sharply this morning.",
            "Share prices dropped as trading opened.",
            "Lanes runs neural networks in pure Java.");

    private final int threads;

    MainJob(int threads) {
        this.threads = threads;
    }

    int run(PrintWriter out) throws IOException {
        ModelStore store = ModelStore.standard();
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(store.path(KnownModel.MINILM_L6_V2_TOKENIZER));
        var loaded = SessionFactory.open(store.path(KnownModel.MINILM_L6_V2), SessionFactory.options(threads, Backend.FAST));
        try (Session session = loaded.session()) {
            SentenceEmbedder embedder = new SentenceEmbedder(session, tokenizer, SENTENCES.size());
            float[][][] result = new float[1][][];
            ProgressBar bar = new ProgressBar("warming up", 21, ProgressBar.terminal());
            LatencyRecorder.Latency l = LatencyRecorder.measure(() -> result[0] = embedder.embed(SENTENCES), 10, 11, bar::update);
            float[][] emb = result[0];
            int dim = emb[0].length;
            float[] flat = new float[SENTENCES.size() * dim];
            for (int i = 0; i < emb.length; i++) System.arraycopy(emb[i], 0, flat, i * dim, dim);

            out.printf(Locale.ROOT, "Lanes: sentence embeddings with all-MiniLM-L6-v2 (%d dimensions), pure Java, %d threads%n%n",
                    dim, session.options().threads());
            for (int i = 0; i < SENTENCES.size(); i++) out.printf(Locale.ROOT, "  [%d] %s%n", i + 1, SENTENCES.get(i));
            out.println();
            out.print(Format.similarityMatrix(CosineSimilarity.matrix(flat, SENTENCES.size(), dim)));
            out.printf(Locale.ROOT, "%nlatency: model load %.0f ms, first run %.0f ms, then %.1f ms per batch of %d (median of %d runs)%n",
                    loaded.loadMillis(), l.firstMillis(), l.p50(), SENTENCES.size(), l.runs());
            out.println("more: ./lanes --help, ./lanes embed TEXT..., ./lanes detect-text IMAGE, ./lanes bench minilm_l6_v2");
            out.flush();
        }
        return 0;
    }
}
