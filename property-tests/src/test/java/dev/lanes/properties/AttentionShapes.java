package dev.lanes.properties;

import static org.quicktheories.generators.SourceDSL.longs;

import dev.lanes.reference.AttentionShape;
import dev.lanes.reference.AttentionShape.Mask;
import dev.lanes.reference.AttentionShape.MaskKind;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of {@link AttentionShape}s, small enough for the reference to judge quickly but with
 * every awkward case: S or L = 1, head sizes 24, 40 and 80 (not multiples of a vector) and others
 * from {@link Sizes}, grouped-query heads, 3-D and 4-D layouts, boolean and additive masks broadcast
 * over every combination of dims and shorter than T, causal with S ≠ T, softcap, a past, nonpad
 * lengths (opset 24), qk_matmul_output modes. Sizes shrink; the feature choices follow a seed.
 */
public final class AttentionShapes {
    private AttentionShapes() {}

    /** The head sizes the issue names, mixed with awkward ones up to 96. */
    public static Gen<Integer> headSizes() {
        return Generate.pick(List.of(24, 40, 80, 64, 1)).mix(Sizes.between(1, 96), 50);
    }

    /** Batch, q heads, kv heads: Hq = group · Hkv with groups 1..3 (GQA and MQA included). */
    private static Gen<int[]> heads() {
        return Generate.range(1, 2).zip(Generate.range(1, 2), Generate.range(1, 3),
                (b, hkv, group) -> new int[] {b, hkv * group, hkv});
    }

    /** 4-D, no mask, no cache, default scale: what "unmasked attention" means. */
    public static Gen<AttentionShape> plain() {
        return heads().zip(Sizes.between(1, 33), Sizes.between(1, 40), headSizes(), headSizes(),
                (h, s, l, d, dv) -> AttentionShape.of(h[0], h[1], h[2], s, l, d, dv));
    }

    /** Any feature combination ONNX allows, chosen from a seed over shrinkable sizes. */
    public static Gen<AttentionShape> any() {
        Gen<int[]> sizes = Sizes.between(1, 33).zip(Sizes.between(0, 40), Generate.range(0, 9),
                (s, l, p) -> new int[] {s, l, p});
        return heads().zip(sizes, headSizes(), headSizes(), longs().all(),
                (h, seq, d, dv, seed) -> withFeatures(h[0], h[1], h[2], seq[0], seq[1], seq[2], d, dv, seed));
    }

    static AttentionShape withFeatures(int b, int hq, int hkv, int s, int l, int pastLen, int d, int dv, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean threeD = r.nextInt(3) == 0;
        boolean hasPast = r.nextInt(3) == 0;
        int p = hasPast ? pastLen : 0;
        if (l + p == 0) l = 1;
        boolean nonpad = !hasPast && r.nextInt(4) == 0;
        int total = p + l;
        Mask mask = Mask.NONE;
        int m = r.nextInt(3);
        if (m > 0) {
            int cols = r.nextInt(4) == 0 ? r.nextInt(total + 1) : total; // shorter masks are padded with -inf
            mask = new Mask(m == 1 ? MaskKind.BOOLEAN : MaskKind.ADDITIVE, r.nextBoolean() ? b : 1,
                    r.nextBoolean() ? hq : 1, r.nextBoolean() ? s : 1, cols);
        }
        float scale = r.nextInt(3) == 0 ? (float) (r.nextDouble() * 2 - 0.5) : AttentionShape.defaultScale(d);
        float softcap = r.nextInt(4) == 0 ? (float) (0.5 + r.nextDouble() * 5) : 0f;
        return new AttentionShape(b, hq, hkv, s, l, p, d, dv, threeD, scale, softcap, r.nextInt(3) == 0, mask,
                hasPast, nonpad, r.nextInt(4));
    }
}
