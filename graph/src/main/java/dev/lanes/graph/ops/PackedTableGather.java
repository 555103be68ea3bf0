package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.exec.SessionWeights;

/**
 * Gather of rows (axis 0) from a constant float32 table that a MatMul or Gemm of the session also
 * reads — GPT-2's token embedding {@code wte}, which its lm_head multiplies by through transB. The
 * Gather declares that it can read the rows from the Gemm's packed panels, so the session keeps the
 * table packed only instead of raw and packed; when no other reader packs the table it stays raw and
 * this runs the plain Gather. Reading a row from the panels is a strided copy of {@code cols} floats
 * per index — a few microseconds per token.
 */
final class PackedTableGather {
    private PackedTableGather() {}

    static Operator create(OpSetup s) {
        Tensor table = s.constantInput(0);
        long axis = s.getLong("axis", 0);
        if (table == null || s.isDefaultInput(0) || table.dtype() != DType.FLOAT32 || table.rank() != 2 || table.size() == 0
                || (axis != 0 && axis != -2)) {
            return null;
        }
        Operator plain = MovementOps.gather(s);
        s.readsAnyPackedForm(0);
        SessionWeights weights = s.weights();
        int rows = table.dim(0), cols = table.dim(1);
        return new Operator() {
            private volatile PackedWeights.Table packed;

            @Override
            public Tensor[] run(Tensor[] in, dev.lanes.graph.exec.RunContext ctx) {
                Tensor x = in[0];
                if (x.holdsValues()) {
                    return plain.run(in, ctx);
                }
                PackedWeights.Table t = packed;
                if (t == null) {
                    t = PackedWeights.table(weights, x);
                    if (t == null) {
                        return plain.run(in, ctx); // reads the values the stand-in recovers
                    }
                    packed = t;
                }
                Tensor idx = in[1];
                int[] ish = idx.shape(), out = new int[ish.length + 1];
                System.arraycopy(ish, 0, out, 0, ish.length);
                out[ish.length] = cols;
                float[] y = ctx.floats(Tensor.checkedSize(out));
                for (int j = 0, n = idx.size(); j < n; j++) {
                    long k = idx.getLong(j);
                    if (k < -rows || k >= rows) {
                        throw new IllegalArgumentException("Gather index " + k + " is out of range for axis 0 of length " + rows);
                    }
                    int r = (int) (k < 0 ? k + rows : k);
                    for (int c = 0; c < cols; c++) {
                        y[j * cols + c] = t.get(r, c);
                    }
                }
                return new Tensor[] {Tensor.of(y, out)};
            }
        };
    }
}
