package dev.lanes.models.builders;

import dev.lanes.graph.Tensor;
import java.util.SplittableRandom;

/** Deterministic inputs for built models: normalised images, token ids, masks, cached keys and values. */
public final class ExampleInputs {
    private ExampleInputs() {}

    /**
     * An image batch [batch, 3, h, w] as a normalised photo looks to a network: a smooth gradient per
     * channel plus noise, values mostly within ±2.
     */
    public static Tensor image(long seed, int batch, int h, int w) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x1A6EL);
        float[] v = new float[Tensor.checkedSize(batch, 3, h, w)];
        int i = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < 3; c++) {
                double phase = r.nextDouble() * Math.PI;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double smooth = Math.sin(phase + 3.0 * x / w + 2.0 * y / h);
                        v[i++] = (float) (smooth + 0.5 * (2 * r.nextDouble() - 1));
                    }
                }
            }
        }
        return Tensor.of(v, batch, 3, h, w);
    }

    /** Token ids [batch, length] uniform in [first, vocab). */
    public static Tensor tokens(long seed, int batch, int length, int first, int vocab) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x70CE5L);
        long[] ids = new long[Tensor.checkedSize(batch, length)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(first, vocab);
        }
        return Tensor.ofLongs(ids, batch, length);
    }

    /** An int64 tensor of the given shape filled with {@code value} (attention masks, token types). */
    public static Tensor filledLongs(long value, int... shape) {
        long[] v = new long[Tensor.checkedSize(shape)];
        java.util.Arrays.fill(v, value);
        return Tensor.ofLongs(v, shape);
    }

    /** A float tensor of the given shape with standard-normal-scaled uniform values (cached keys and values). */
    public static Tensor floats(long seed, int... shape) {
        float[] v = new float[Tensor.checkedSize(shape)];
        WeightInit.std(1).fill(v, new SplittableRandom(seed));
        return Tensor.of(v, shape);
    }
}
