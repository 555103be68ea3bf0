package dev.lanes.bench.models;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One benchmark model with the engines opened on it: a Lanes {@link Session} and an ONNX Runtime
 * {@link OrtPeer} over the same file, each with the same input. Either may be left unopened; closing
 * releases what was opened and deletes a written model file.
 */
final class Engines implements AutoCloseable {
    private final BenchModel.Prepared prepared;
    private final int threads;
    private Session lanes;
    private OrtPeer peer;
    private OrtPeer.Inputs ortInputs;

    Engines(String model, int threads) {
        this.prepared = BenchModel.byId(model).prepare();
        this.threads = threads;
    }

    /** Opens a Lanes session (default options, this many threads) and returns it. */
    Session openLanes() {
        return openLanes(false);
    }

    /** Opens a Lanes session (default options, this many threads, its node profiler on or off) and returns it. */
    Session openLanes(boolean profiling) {
        try {
            lanes = Session.open(prepared.file(), SessionOptions.defaults().withThreads(threads).withProfiling(profiling));
            return lanes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens an ONNX Runtime session and its input tensors; returns the peer. */
    OrtPeer openOnnxRuntime() {
        peer = OrtPeer.open(prepared.file(), threads);
        ortInputs = prepared.ortInputs(peer);
        return peer;
    }

    /** The load phases of the Lanes session, or null when none was opened. */
    dev.lanes.graph.LoadTimings lanesLoadTimings() {
        return lanes == null ? null : lanes.loadTimings();
    }

    Map<String, dev.lanes.graph.Tensor> runLanes() {
        return lanes.run(prepared.inputs());
    }

    Map<String, OrtPeer.Output> runOnnxRuntime() {
        return peer.run(ortInputs);
    }

    @Override
    public void close() {
        if (lanes != null) {
            lanes.close();
        }
        if (ortInputs != null) {
            ortInputs.close();
        }
        if (peer != null) {
            peer.close();
        }
        try {
            prepared.close();
        } catch (UncheckedIOException e) {
            // A temporary file that cannot be deleted is not worth failing a benchmark for.
        }
    }
}
