package dev.lanes.graph;

import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.onnx.InitializerIndex;
import dev.lanes.graph.onnx.OnnxImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The weights of the imported model that the optimised graph no longer reads — a convolution's
 * weights before a BatchNormalization was folded into them, a constant a pass replaced — held by
 * {@link Session#model()} only. A session opened from a file replaces them by {@link Tensor#deferred}
 * tensors that read the values from the file again if anything asks (a tool inspecting the model), so
 * the session does not keep a second, unused copy of those weights. The file must not change while
 * the session is open: a read from a changed file fails, naming it.
 *
 * <p>A read parses only the weight's own bytes: the first read indexes where the deferred weights lie in the
 * file ({@link InitializerIndex}, names and offsets only), every read then decodes one {@code TensorProto}. So a
 * new input size whose kernels recompute several folded weights from these scans the file once, not once per
 * layer. Only a weight the index does not find (a {@code Constant} node's value) is read by loading the model.
 */
final class ModelFileValues {
    /** Smaller constants stay: re-reading them would save nothing worth the file read. */
    static final int MIN_ELEMENTS = 4096;

    /**
     * Test hooks, over every session of the JVM: model files indexed, weights read from their own bytes, and whole
     * model files loaded to read one weight.
     */
    static final AtomicInteger INDEX_SCANS = new AtomicInteger(), WEIGHT_READS = new AtomicInteger(), MODEL_LOADS = new AtomicInteger();

    private final Path file;
    private final long size;
    private final FileTime modified;
    /** The weights deferred to the file. */
    private final Set<String> names = new HashSet<>();
    /** Where they lie in the file: made on the first read (a session whose stand-ins nobody reads scans nothing). */
    private InitializerIndex index;

    private ModelFileValues(Path file, long size, FileTime modified) {
        this.file = file;
        this.size = size;
        this.modified = modified;
    }

    /**
     * Replaces in {@code imported} every initializer of at least {@link #MIN_ELEMENTS} elements that
     * {@code optimised} does not hold (by identity) by a tensor reading it from {@code file}.
     */
    static void deferUnused(Path file, Graph imported, Graph optimised) {
        Set<Tensor> used = Collections.newSetFromMap(new IdentityHashMap<>());
        used.addAll(optimised.initializers().values());
        ModelFileValues source;
        try {
            source = new ModelFileValues(file, Files.size(file), Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return; // the file cannot be checked: keep the values
        }
        for (Map.Entry<String, Tensor> e : imported.initializers().entrySet()) {
            Tensor t = e.getValue();
            if (t.holdsValues() && t.size() >= MIN_ELEMENTS && !used.contains(t)) {
                String name = e.getKey();
                source.names.add(name);
                e.setValue(Tensor.deferred(t.dtype(), () -> source.read(name), t.shape()));
            }
        }
    }

    private Object read(String name) {
        try {
            if (Files.size(file) != size || !Files.getLastModifiedTime(file).equals(modified)) {
                throw new IllegalStateException("model file " + file + " changed since the session loaded it; cannot read weight '"
                        + name + "' from it again");
            }
            InitializerIndex ix = index();
            Tensor t;
            if (ix.has(name)) {
                WEIGHT_READS.incrementAndGet();
                t = ix.read(name);
            } else {
                MODEL_LOADS.incrementAndGet();
                t = OnnxImporter.load(file).graph().initializers().get(name);
            }
            if (t == null) {
                throw new IllegalStateException("model file " + file + " no longer holds weight '" + name + "'");
            }
            return t.array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weight '" + name + "' from " + file + " again: " + e.getMessage(), e);
        }
    }

    private synchronized InitializerIndex index() throws IOException {
        if (index == null) {
            INDEX_SCANS.incrementAndGet();
            index = InitializerIndex.scan(file, names);
        }
        return index;
    }
}
