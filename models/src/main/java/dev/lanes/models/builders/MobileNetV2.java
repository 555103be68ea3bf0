package dev.lanes.models.builders;

import dev.lanes.graph.DType;
import dev.lanes.models.builders.ConvLayers.Activation;
import java.util.List;
import java.util.Map;

/**
 * MobileNetV2 (Sandler et al., arXiv:1801.04381) as torchvision defines it: a 3x3/2 stem of 32
 * channels, seventeen inverted residual blocks (1x1 expansion by t, 3x3 depthwise, linear 1x1
 * projection; a residual add when stride is 1 and channels match), a 1x1 convolution to 1280 and a
 * 1000-way classifier; ReLU6 everywhere, written as Clip(0, 6). Channels are scaled by the width
 * multiplier and rounded to multiples of 8 as the reference implementation does. At full size the
 * model has 3,504,872 parameters.
 *
 * <p>Input {@code input} [batch, 3, size, size], output {@code logits} [batch, classes].
 */
public final class MobileNetV2 {
    /** Expansion t, output channels c, repeats n, first stride s (the paper's Table 2). */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };

    /**
     * @param imageSize input height and width (224)
     * @param widthMultiplier channel multiplier (1.0)
     * @param classes classifier outputs (1000)
     */
    public record Config(int imageSize, double widthMultiplier, int classes) {
        public Config {
            if (imageSize < 32 || !(widthMultiplier > 0) || classes < 1) {
                throw new IllegalArgumentException("MobileNetV2 needs imageSize >= 32, widthMultiplier > 0, classes >= 1: " + this);
            }
        }

        public static Config full() {
            return new Config(224, 1.0, 1000);
        }

        /** Every block at a quarter of the width and a 32x32 input, for reference-backend tests. */
        public static Config tiny() {
            return new Config(32, 0.25, 10);
        }
    }

    private MobileNetV2() {}

    public static BuiltModel build(Config c, long seed) {
        GraphBuilder b = new GraphBuilder("mobilenetv2", seed);
        String x = b.input("input", DType.FLOAT32, "batch", 3, c.imageSize(), c.imageSize());
        int in = divisible(32 * c.widthMultiplier());
        int last = divisible(1280 * Math.max(1.0, c.widthMultiplier()));
        String y = ConvLayers.convBn(b, "features.0.0", "features.0.1", x, 3, in, 3, 2, 1, Activation.RELU6, 1);
        int feature = 1;
        for (int[] s : SETTINGS) {
            int out = divisible(s[1] * c.widthMultiplier());
            for (int i = 0; i < s[2]; i++) {
                y = invertedResidual(b, "features." + feature++, y, in, out, i == 0 ? s[3] : 1, s[0]);
                in = out;
            }
        }
        String f = "features." + feature;
        y = ConvLayers.convBn(b, f + ".0", f + ".1", y, in, last, 1, 1, 1, Activation.RELU6, 1);
        String logits = ConvLayers.classifier(b, "classifier.1", y, last, c.classes(), "logits");
        b.output(logits, "logits", DType.FLOAT32, "batch", c.classes());
        return new BuiltModel("mobilenetv2", b.build(17), b.parameterCount(),
                Map.of("input", ExampleInputs.image(seed, 1, c.imageSize(), c.imageSize())));
    }

    private static String invertedResidual(GraphBuilder b, String name, String x, int in, int out, int stride, int t) {
        int hidden = Math.round(in * t);
        String y = x;
        int layer = 0;
        if (t != 1) {
            String s = name + ".conv." + layer++;
            y = ConvLayers.convBn(b, s + ".0", s + ".1", y, in, hidden, 1, 1, 1, Activation.RELU6, 1);
        }
        String dw = name + ".conv." + layer++;
        y = ConvLayers.convBn(b, dw + ".0", dw + ".1", y, hidden, hidden, 3, stride, hidden, Activation.RELU6, 1);
        String pw = name + ".conv." + layer++;
        y = ConvLayers.conv(b, pw, y, hidden, out, 1, 1, 0, 1, false);
        boolean residual = stride == 1 && in == out;
        y = ConvLayers.batchNorm(b, name + ".conv." + layer, y, out, residual ? 0.5 : 1);
        return residual ? b.op(name, "Add", List.of(x, y)) : y;
    }

    /** Rounds to the nearest multiple of 8, never below 8 and never more than 10% below the exact value. */
    static int divisible(double v) {
        int r = Math.max(8, (int) (v + 4) / 8 * 8);
        return r < 0.9 * v ? r + 8 : r;
    }
}
