package dev.lanes.bench.models;

import dev.lanes.bench.peers.OrtPeer;
import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import dev.lanes.models.TensorFile;
import dev.lanes.models.builders.Architecture;
import dev.lanes.models.builders.BuiltModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models of the model-level benchmarks: the three real ones (file from {@link ModelStore}, input
 * from {@code ../shared/models}) and the built architectures at full size (written to a temporary
 * ONNX file with {@link Architecture#DEFAULT_SEED}, with their example input). Both engines load the
 * same file and get the same input.
 */
public enum BenchModel {
    MINILM_L6_V2("minilm_l6_v2", RealModel.MINILM_L6_V2, null),
    PPOCR_V4_DET("ppocr_v4_det", RealModel.PPOCR_V4_DET, null),
    PPOCR_MOBILE_V2_CLS("ppocr_mobile_v2_cls", RealModel.PPOCR_MOBILE_V2_CLS, null),
    RESNET50("resnet50", null, Architecture.RESNET50),
    MOBILENET_V2("mobilenetv2", null, Architecture.MOBILENET_V2),
    BERT_BASE("bert_base", null, Architecture.BERT_BASE),
    GPT2_SMALL("gpt2_small", null, Architecture.GPT2_SMALL),
    VIT_B16("vit_b_16", null, Architecture.VIT_B16);

    private final String id;
    private final RealModel real;
    private final Architecture built;

    BenchModel(String id, RealModel real, Architecture built) {
        this.id = id;
        this.real = real;
        this.built = built;
    }

    public String id() {
        return id;
    }

    public static BenchModel byId(String id) {
        for (BenchModel m : values()) {
            if (m.id.equalsIgnoreCase(id) || m.name().equalsIgnoreCase(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown benchmark model '" + id + "'");
    }

    /** The model file and its input, ready for both engines. Close to delete a written model. */
    public Prepared prepare() {
        try {
            if (real != null) {
                Map<String, Tensor> in = new LinkedHashMap<>();
                for (TensorFile t : real.reference().inputs()) {
                    in.put(t.name(), toTensor(t));
                }
                return new Prepared(real.modelPath(ModelStore.standard()), in, false);
            }
            BuiltModel m = built.build(Architecture.Size.FULL, Architecture.DEFAULT_SEED);
            Path file = Files.createTempFile("lanes-" + m.name() + "-", ".onnx");
            m.writeTo(file);
            return new Prepared(file, m.exampleInputs(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + id + ": " + e.getMessage(), e);
        }
    }

    static Tensor toTensor(TensorFile f) {
        long[] s = f.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return switch (f.dtype()) {
            case FLOAT32 -> Tensor.of(f.floats(), shape);
            case INT64 -> Tensor.ofLongs(f.longs(), shape);
        };
    }

    /**
     * A model file and its input. {@code temporary} files are deleted on close.
     */
    public record Prepared(Path file, Map<String, Tensor> inputs, boolean temporary) implements AutoCloseable {

        /** The same input as ONNX Runtime tensors for {@code peer}. */
        public OrtPeer.Inputs ortInputs(OrtPeer peer) {
            OrtPeer.Inputs in = peer.inputs();
            for (var e : inputs.entrySet()) {
                Tensor t = e.getValue();
                long[] shape = new long[t.rank()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.dim(i);
                }
                if (t.dtype() == DType.FLOAT32) {
                    in.float32(e.getKey(), shape, t.floats());
                } else if (t.dtype() == DType.INT64) {
                    in.int64(e.getKey(), shape, t.longs());
                } else {
                    throw new IllegalArgumentException("input '" + e.getKey() + "' is " + t.dtype() + "; the peer takes float32 and int64");
                }
            }
            return in;
        }

        @Override
        public void close() {
            if (temporary) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
