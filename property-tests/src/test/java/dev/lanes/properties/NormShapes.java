package dev.lanes.properties;

import dev.lanes.reference.BatchNormShape;
import dev.lanes.reference.InstanceNormShape;
import dev.lanes.reference.LayerNormShape;
import dev.lanes.reference.RmsNormShape;
import dev.lanes.reference.SoftmaxShape;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of the normalisation and softmax records: row lengths from {@link Sizes} (1, primes,
 * around multiples of 8/16/32) plus the hidden sizes of real Transformers, a few rows, epsilons from
 * 0 to 0.1, and with or without a bias.
 */
public final class NormShapes {
    private NormShapes() {}

    /** Normalised lengths: awkward ones up to 300 and the usual hidden sizes. */
    public static Gen<Integer> rowLengths() {
        return Generate.pick(List.of(384, 768, 1024)).mix(Sizes.between(1, 300), 80);
    }

    public static Gen<Float> epsilons() {
        return Generate.pick(List.of(1e-5f, 1e-6f, 1e-12f, 0.1f, 0f));
    }

    public static Gen<LayerNormShape> layerNorms() {
        return Sizes.between(0, 9).zip(rowLengths(), epsilons(), Generate.booleans(), LayerNormShape::new);
    }

    public static Gen<RmsNormShape> rmsNorms() {
        return Sizes.between(0, 9).zip(rowLengths(), epsilons(), RmsNormShape::new);
    }

    public static Gen<BatchNormShape> batchNorms() {
        return Sizes.between(0, 3).zip(Sizes.between(1, 17), Sizes.between(0, 70), epsilons(), BatchNormShape::new);
    }

    public static Gen<InstanceNormShape> instanceNorms() {
        return Sizes.between(1, 3).zip(Sizes.between(1, 9), Sizes.between(1, 150), epsilons(), InstanceNormShape::new);
    }

    /** Softmax over the last axis (inner = 1) or an inner axis (inner > 1), rows of awkward lengths. */
    public static Gen<SoftmaxShape> softmaxes() {
        return Sizes.between(0, 7).zip(rowLengths(), Generate.pick(List.of(1, 1, 1, 2, 3, 17)), SoftmaxShape::new);
    }
}
