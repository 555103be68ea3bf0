package dev.lanes.models.builders;

import static dev.lanes.models.builders.GraphBuilder.attr;
import static dev.lanes.models.builders.GraphBuilder.ints;

import dev.lanes.graph.DType;
import dev.lanes.models.builders.ConvLayers.Activation;
import java.util.List;
import java.util.Map;

/**
 * ResNet-50 (He et al., arXiv:1512.03385) as torchvision defines it ("v1.5": the stride of a
 * down-sampling bottleneck sits on its 3x3 convolution): a 7x7/2 stem and 3x3/2 max pool, four stages
 * of 3, 4, 6 and 3 bottlenecks (1x1 → 3x3 → 1x1 with expansion 4, a projection shortcut on each
 * stage's first block), global average pooling and a 1000-way classifier. Batch norms stay separate
 * nodes as a training-mode-preserving export writes them; at full size the model has 25,557,032
 * parameters.
 *
 * <p>Input {@code input} [batch, 3, size, size], output {@code logits} [batch, classes].
 */
public final class ResNet50 {
    private static final int[] BLOCKS = {3, 4, 6, 3};

    /**
     * @param imageSize input height and width (224 for ImageNet)
     * @param width     channels of the first stage's bottleneck (64); every stage doubles it
     * @param classes   classifier outputs (1000)
     */
    public record Config(int imageSize, int width, int classes) {
        public Config {
            if (imageSize < 32 || width < 1 || classes < 1) {
                throw new IllegalArgumentException("ResNet-50 needs imageSize >= 32, width >= 1, classes >= 1: " + this);
            }
        }

        public static Config full() {
            return new Config(224, 64, 1000);
        }

        /** The same 53 convolutions at a width and resolution a test can run on the reference backend. */
        public static Config tiny() {
            return new Config(32, 4, 10);
        }
    }

    private ResNet50() {}

    public static BuiltModel build(Config c, long seed) {
        GraphBuilder b = new GraphBuilder("resnet50", seed);
        String x = b.input("input", DType.FLOAT32, "batch", 3, c.imageSize(), c.imageSize());
        String y = ConvLayers.convBn(b, "conv1", "bn1", x, 3, c.width(), 7, 2, 1, Activation.RELU, 1);
        y = b.op("maxpool", "MaxPool", List.of(y),
                ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 2, 2), attr("ceil_mode", 0L));
        int in = c.width();
        for (int stage = 0; stage < BLOCKS.length; stage++) {
            int w = c.width() << stage;
            for (int blk = 0; blk < BLOCKS[stage]; blk++) {
                int stride = stage > 0 && blk == 0 ? 2 : 1;
                y = bottleneck(b, "layer" + (stage + 1) + "." + blk, y, in, w, stride);
                in = 4 * w;
            }
        }
        String logits = ConvLayers.classifier(b, "fc", y, in, c.classes(), "logits");
        b.output(logits, "logits", DType.FLOAT32, "batch", c.classes());
        return new BuiltModel("resnet50", b.build(17), b.parameterCount(),
                Map.of("input", ExampleInputs.image(seed, 1, c.imageSize(), c.imageSize())));
    }

    private static String bottleneck(GraphBuilder b, String name, String x, int in, int w, int stride) {
        String y = ConvLayers.convBn(b, name + ".conv1", name + ".bn1", x, in, w, 1, 1, 1, Activation.RELU, 1);
        y = ConvLayers.convBn(b, name + ".conv2", name + ".bn2", y, w, w, 3, stride, 1, Activation.RELU, 1);
        // A smaller scale on the branch's last norm keeps the residual sum from growing block by block.
        y = ConvLayers.convBn(b, name + ".conv3", name + ".bn3", y, w, 4 * w, 1, 1, 1, Activation.NONE, 0.3);
        String shortcut = x;
        if (stride != 1 || in != 4 * w) {
            shortcut = ConvLayers.convBn(b, name + ".downsample.0", name + ".downsample.1", x, in, 4 * w, 1, stride, 1,
                    Activation.NONE, 1);
        }
        String sum = b.op(name, "Add", List.of(y, shortcut));
        return ConvLayers.relu(b, name, sum);
    }
}
