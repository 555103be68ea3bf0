package dev.lanes.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;
import dev.lanes.models.TensorFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ONNX Runtime (its Java API, CPU execution provider) as the peer that Lanes' figures are measured
 * against, configured the way its own benchmarks run a single model: a fixed intra-op thread count,
 * sequential execution, every graph optimisation on.
 *
 * <p>Typical use in a JMH state: {@code open} once per trial, build the {@link Inputs} once, call
 * {@link #run} (or {@link #runDiscarding} to leave the output copy out of the timing) per
 * invocation, {@code close} at tear-down. One instance may be run from one thread at a time.
 */
public final class OrtPeer implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int threads;

    private OrtPeer(OrtEnvironment env, OrtSession session, int threads) {
        this.env = env;
        this.session = session;
        this.threads = threads;
    }

    /** Opens a session on an ONNX model given as bytes, with {@code threads} intra-op threads. */
    public static OrtPeer open(byte[] onnx, int threads) {
        Objects.requireNonNull(onnx, "onnx");
        return open(threads, "the model bytes", (env, options) -> env.createSession(onnx, options));
    }

    /** Opens a session on an ONNX model file, with {@code threads} intra-op threads. */
    public static OrtPeer open(Path onnx, int threads) {
        return open(onnx, threads, null);
    }

    /**
     * Opens a session on an ONNX model file as {@link #open(Path, int)} does, with ONNX Runtime's profiler on from the
     * first run: it writes a Chrome trace whose file name starts with {@code profilePrefix}, finished by
     * {@link #endProfiling()}. A null prefix leaves the profiler off.
     */
    public static OrtPeer open(Path onnx, int threads, Path profilePrefix) {
        if (!Files.isRegularFile(onnx)) throw new IllegalArgumentException("no ONNX model file at " + onnx);
        return open(threads, onnx.toString(), (env, options) -> {
            if (profilePrefix != null) options.enableProfiling(profilePrefix.toString());
            return env.createSession(onnx.toString(), options);
        });
    }

    private interface SessionFactory {
        OrtSession create(OrtEnvironment env, SessionOptions options) throws OrtException;
    }

    private static OrtPeer open(int threads, String what, SessionFactory factory) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SessionOptions options = new SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            return new OrtPeer(env, factory.create(env, options), threads);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not open " + what + ": " + e.getMessage(), e);
        }
    }

    public int threads() {
        return threads;
    }

    public List<String> inputNames() {
        return List.copyOf(session.getInputNames());
    }

    public List<String> outputNames() {
        return List.copyOf(session.getOutputNames());
    }

    /** An empty set of inputs for this session, to be filled by name. */
    public Inputs inputs() {
        return new Inputs(this);
    }

    /** Runs the model and copies every output out of ONNX Runtime. */
    public Map<String, Output> run(Inputs inputs) {
        try (OrtSession.Result result = session.run(inputs.checkedFor(this))) {
            Map<String, Output> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                out.put(e.getKey(), Output.copyOf(e.getKey(), e.getValue()));
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the model and releases the outputs without copying them; returns the number of outputs.
     * For timings that should measure the run alone.
     */
    public int runDiscarding(Inputs inputs) {
        try (OrtSession.Result result = session.run(inputs.checkedFor(this))) {
            return result.size();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run: " + e.getMessage(), e);
        }
    }

    /**
     * Stops a profiling session's profiler and returns the trace file it wrote (runs after this one are not profiled).
     * Only for a session opened with a profile prefix.
     */
    public Path endProfiling() {
        try {
            return Path.of(session.endProfiling());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not end profiling (was the session opened with a profile prefix?): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close the session: " + e.getMessage(), e);
        }
    }

    /**
     * Input tensors by name, held in direct buffers that ONNX Runtime reads without a copy. Build once
     * and run many times; close when done.
     */
    public static final class Inputs implements AutoCloseable {
        private final OrtPeer peer;
        private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        private Inputs(OrtPeer peer) {
            this.peer = peer;
        }

        public Inputs float32(String name, long[] shape, float[] data) {
            checkSize(name, shape, data.length);
            FloatBuffer buffer = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            buffer.put(data).flip();
            return put(name, () -> OnnxTensor.createTensor(peer.env, buffer, shape.clone()));
        }

        public Inputs int64(String name, long[] shape, long[] data) {
            checkSize(name, shape, data.length);
            LongBuffer buffer = ByteBuffer.allocateDirect(data.length * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
            buffer.put(data).flip();
            return put(name, () -> OnnxTensor.createTensor(peer.env, buffer, shape.clone()));
        }

        /** Adds a tensor read from a raw reference file, under its own name. */
        public Inputs from(TensorFile file) {
            return switch (file.dtype()) {
                case FLOAT32 -> float32(file.name(), file.shape(), file.floats());
                case INT64 -> int64(file.name(), file.shape(), file.longs());
            };
        }

        private interface TensorFactory {
            OnnxTensor create() throws OrtException;
        }

        private Inputs put(String name, TensorFactory factory) {
            if (!peer.session.getInputNames().contains(name)) {
                throw new IllegalArgumentException("the model has no input named '" + name + "'; its inputs: " + peer.session.getInputNames());
            }
            try {
                OnnxTensor old = tensors.put(name, factory.create());
                if (old != null) old.close();
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not make the tensor '" + name + "': " + e.getMessage(), e);
            }
            return this;
        }

        private static void checkSize(String name, long[] shape, int length) {
            long n = 1;
            for (long d : shape) {
                if (d < 0) throw new IllegalArgumentException("input '" + name + "' has a negative dimension in " + Arrays.toString(shape));
                n = Math.multiplyExact(n, d);
            }
            if (n != length) {
                throw new IllegalArgumentException("input '" + name + "': shape " + Arrays.toString(shape) + " holds " + n + " elements, data has " + length);
            }
        }

        private Map<String, OnnxTensor> checkedFor(OrtPeer session) {
            if (session != peer) throw new IllegalArgumentException("these inputs were made for another session");
            List<String> missing = new ArrayList<>();
            for (String n : peer.session.getInputNames()) if (!tensors.containsKey(n)) missing.add(n);
            if (!missing.isEmpty()) throw new IllegalArgumentException("inputs missing: " + missing);
            return tensors;
        }

        @Override
        public void close() {
            for (OnnxTensor t : tensors.values()) t.close();
            tensors.clear();
        }
    }

    /**
     * One output copied out of ONNX Runtime: float32 outputs fill {@code floats}, int64 ones
     * {@code longs}; the other array is null.
     */
    public record Output(String name, long[] shape, float[] floats, long[] longs) {

        static Output copyOf(String name, OnnxValue value) throws OrtException {
            if (!(value instanceof OnnxTensor t)) {
                throw new IllegalStateException("output '" + name + "' is a " + value.getType() + ", not a tensor");
            }
            TensorInfo info = t.getInfo();
            long[] shape = info.getShape();
            return switch (info.type) {
                case FLOAT -> {
                    FloatBuffer b = t.getFloatBuffer();
                    float[] f = new float[b.remaining()];
                    b.get(f);
                    yield new Output(name, shape, f, null);
                }
                case INT64 -> {
                    LongBuffer b = t.getLongBuffer();
                    long[] l = new long[b.remaining()];
                    b.get(l);
                    yield new Output(name, shape, null, l);
                }
                default -> throw new IllegalStateException("output '" + name + "' has type " + info.type + "; the peer reads float32 and int64");
            };
        }
    }
}
