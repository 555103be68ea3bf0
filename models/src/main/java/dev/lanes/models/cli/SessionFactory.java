package dev.lanes.models.cli;

import dev.lanes.graph.Backend;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import java.io.IOException;
import java.nio.file.Path;

/** Opens sessions the way every subcommand does, with the load time measured. */
final class SessionFactory {
    private SessionFactory() {}

    record Loaded(Session session, double loadMillis) {}

    static SessionOptions options(int threads, Backend backend) {
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return SessionOptions.defaults().withThreads(t).withBackend(backend);
    }

    static Loaded open(Path model, SessionOptions options) throws IOException {
        long t0 = System.nanoTime();
        Session s = Session.open(model, options);
        return new Loaded(s, (System.nanoTime() - t0) / 1e6);
    }
}
