package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.SessionWeights;
import dev.lanes.simd.PackedB;
import dev.lanes.simd.PackedGemm;
import java.util.Map;

/**
 * A 2-D float32 constant packed as the B of {@link PackedGemm}, once per session
 * ({@link SessionWeights}): every plan that binds the same constant gets the same panels. Packing
 * copies values without arithmetic, so the constant's values can be read back from the panels —
 * which lets a session drop the raw weights once the MatMuls and Gemms have their packed form.
 */
final class PackedWeights {
    private PackedWeights() {}

    /**
     * op(B) of K×N over a whole [K, N] constant, or with {@code trans} a whole [N, K] one read
     * transposed.
     */
    record Form(int k, int n, boolean trans) implements SessionWeights.Form<PackedB> {
        @Override
        public PackedB pack(Tensor constant) {
            return PackedGemm.packB(k, n, constant.floats(), 0, trans ? k : n, trans);
        }

        @Override
        public long bytes(PackedB packed) {
            return packed.size() * Float.BYTES;
        }

        @Override
        public Object unpack(PackedB packed) {
            float[] b = new float[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    b[trans ? j * k + p : p * n + j] = packed.get(p, j);
                }
            }
            return b;
        }
    }

    /**
     * Element (r, c) of the [rows, cols] constant a stand-in replaced, from any {@link Form} it was
     * packed in (a Gemm with transB packs GPT-2's tied embedding table [vocab, hidden] as op(B) = its
     * transpose); null when it has none.
     */
    static Table table(SessionWeights weights, Tensor standIn) {
        for (Map.Entry<Form, Object> e : weights.packings(standIn, Form.class).entrySet()) {
            PackedB p = (PackedB) e.getValue();
            return e.getKey().trans() ? new Table(p, true) : new Table(p, false);
        }
        return null;
    }

    /** A 2-D constant read back from its packed panels. */
    record Table(PackedB packed, boolean transposed) {
        float get(int r, int c) {
            return transposed ? packed.get(c, r) : packed.get(r, c);
        }
    }

    /**
     * Constant input {@code i} of {@code s} (a [K, N] float32 tensor, or [N, K] with {@code trans})
     * packed; the operator promises to read only the packed form at run time.
     */
    static PackedB of(OpSetup s, int i, boolean trans) {
        Tensor b = s.constantInput(i);
        int k = trans ? b.dim(1) : b.dim(0), n = trans ? b.dim(0) : b.dim(1);
        return s.packedInput(i, new Form(k, n, trans), true);
    }
}
