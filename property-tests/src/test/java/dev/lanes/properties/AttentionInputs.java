package dev.lanes.properties;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.Dims;
import dev.lanes.reference.ReferenceAttention;
import java.util.SplittableRandom;

/**
 * Data for one {@link AttentionShape}, deterministic from a seed: Q, K, V uniform in [-1, 1);
 * masks that keep ~75% of keys and blank whole rows now and then (additive ones with −∞ and, in a
 * quarter of the cases, the float32 minimum that exported BERT masks use instead); nonpad lengths in
 * [0, T]. With {@code specials}, Q, K and V also carry ±∞ and NaN (see {@link SpecialValues}).
 */
public final class AttentionInputs {
    public final AttentionShape shape;
    public final float[] q, k, v, maskAdd, pastKey, pastValue;
    public final boolean[] maskBool;
    public final int[] nonpad;

    public AttentionInputs(AttentionShape s, long seed, boolean specials) {
        this.shape = s;
        SplittableRandom r = new SplittableRandom(seed);
        int qSize = s.batch() * s.qHeads() * s.qSeq() * s.headSize();
        int kSize = s.batch() * s.kvHeads() * s.kvSeq() * s.headSize();
        int vSize = s.batch() * s.kvHeads() * s.kvSeq() * s.vHeadSize();
        q = Data.uniform(r.nextLong(), qSize);
        k = Data.uniform(r.nextLong(), kSize);
        v = Data.uniform(r.nextLong(), vSize);
        pastKey = s.hasPast() ? Data.uniform(r.nextLong(), s.batch() * s.kvHeads() * s.pastSeq() * s.headSize()) : null;
        pastValue = s.hasPast() ? Data.uniform(r.nextLong(), s.batch() * s.kvHeads() * s.pastSeq() * s.vHeadSize()) : null;
        if (specials) {
            double rate = 2.0 / Math.max(1, qSize + kSize + vSize); // about two special values per case
            SpecialValues.sprinkle(q, r.nextLong(), rate, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN);
            SpecialValues.sprinkle(k, r.nextLong(), rate, Float.NEGATIVE_INFINITY, Float.NaN);
            SpecialValues.sprinkle(v, r.nextLong(), rate, Float.NEGATIVE_INFINITY, Float.NaN);
        }
        AttentionShape.Mask m = s.mask();
        int rows = m.batch() * m.heads() * m.rows();
        maskBool = m.kind() == AttentionShape.MaskKind.BOOLEAN ? new boolean[m.size()] : null;
        maskAdd = m.kind() == AttentionShape.MaskKind.ADDITIVE ? new float[m.size()] : null;
        float blank = r.nextInt(4) == 0 ? -Float.MAX_VALUE : Float.NEGATIVE_INFINITY;
        for (int row = 0; row < rows && m.present(); row++) {
            boolean blankRow = r.nextInt(5) == 0;
            for (int t = 0; t < m.cols(); t++) {
                boolean keep = !blankRow && r.nextInt(4) != 0;
                int at = row * m.cols() + t;
                if (maskBool != null) maskBool[at] = keep;
                else maskAdd[at] = keep ? (float) (r.nextDouble() * 4 - 2) : blank;
            }
        }
        nonpad = s.hasNonpad() ? new int[s.batch()] : null;
        for (int b = 0; nonpad != null && b < s.batch(); b++) nonpad[b] = r.nextInt(s.totalSeq() + 1);
    }

    /** The reference's outputs for these inputs, with the error scale of Y. */
    public Outputs reference() {
        AttentionShape s = shape;
        Outputs o = new Outputs(s);
        new ReferenceAttention().attention(s, q, 0, k, 0, v, 0, maskAdd, maskBool, 0, pastKey, 0, pastValue, 0, nonpad,
                o.y, 0, o.presentKey, 0, o.presentValue, 0, o.qk, 0, o.terms);
        return o;
    }

    /** Dense outputs of one run, all requested. */
    public static final class Outputs {
        public final float[] y, presentKey, presentValue, qk;
        public final double[] terms;

        public Outputs(AttentionShape s) {
            y = new float[s.outputSize()];
            presentKey = new float[Dims.size(s.presentKeyShape())];
            presentValue = new float[Dims.size(s.presentValueShape())];
            qk = new float[Dims.size(s.qkShape())];
            terms = new double[y.length];
        }
    }
}
