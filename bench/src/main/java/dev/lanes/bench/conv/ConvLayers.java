package dev.lanes.bench.conv;

import dev.lanes.reference.ConvShape;
import dev.lanes.simd.Activation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The convolution layers the benchmarks time, batch 1: every distinct conv layer of ResNet-50 (v1.5,
 * stride on the 3x3) and MobileNetV2 at 224x224, and the depthwise 5x5, squeeze-and-excitation and
 * stem layers of PP-OCRv4 det at 384x640 (read from the model file: its LCNet backbone's
 * depthwise 5x5 at 1/16 and 1/32, SE 1x1 convs on a 1x1 map).
 *
 * <p>A name says net, kind, channels, map size and stride: {@code r50-3x3-64-56} is ResNet-50's
 * 3x3 64→64 at 56x56.
 */
public final class ConvLayers {
    private ConvLayers() {}

    /** A layer: its shape and the activation fused after it (as the graph fuses it). */
    public record Layer(String name, ConvShape shape, Activation activation) {}

    private static final Map<String, Layer> LAYERS = new LinkedHashMap<>();

    static {
        // ResNet-50 v1.5 at 224: stem, then per stage 1x1 reduce, 3x3, 1x1 expand, 1x1 projection
        add("r50-stem-7x7s2", conv(3, 64, 224, 7, 2, 1), Activation.RELU);
        add("r50-1x1-64-64-56", conv(64, 64, 56, 1, 1, 1), Activation.RELU);
        add("r50-3x3-64-56", conv(64, 64, 56, 3, 1, 1), Activation.RELU);
        add("r50-1x1-64-256-56", conv(64, 256, 56, 1, 1, 1), Activation.NONE);
        add("r50-1x1-256-64-56", conv(256, 64, 56, 1, 1, 1), Activation.RELU);
        add("r50-1x1-256-128-56", conv(256, 128, 56, 1, 1, 1), Activation.RELU);
        add("r50-3x3-128-56s2", conv(128, 128, 56, 3, 2, 1), Activation.RELU);
        add("r50-1x1-128-512-28", conv(128, 512, 28, 1, 1, 1), Activation.NONE);
        add("r50-1x1-256-512-56s2", conv(256, 512, 56, 1, 2, 1), Activation.NONE);
        add("r50-1x1-512-128-28", conv(512, 128, 28, 1, 1, 1), Activation.RELU);
        add("r50-3x3-128-28", conv(128, 128, 28, 3, 1, 1), Activation.RELU);
        add("r50-1x1-512-256-28", conv(512, 256, 28, 1, 1, 1), Activation.RELU);
        add("r50-3x3-256-28s2", conv(256, 256, 28, 3, 2, 1), Activation.RELU);
        add("r50-1x1-256-1024-14", conv(256, 1024, 14, 1, 1, 1), Activation.NONE);
        add("r50-1x1-512-1024-28s2", conv(512, 1024, 28, 1, 2, 1), Activation.NONE);
        add("r50-1x1-1024-256-14", conv(1024, 256, 14, 1, 1, 1), Activation.RELU);
        add("r50-3x3-256-14", conv(256, 256, 14, 3, 1, 1), Activation.RELU);
        add("r50-1x1-1024-512-14", conv(1024, 512, 14, 1, 1, 1), Activation.RELU);
        add("r50-3x3-512-14s2", conv(512, 512, 14, 3, 2, 1), Activation.RELU);
        add("r50-1x1-512-2048-7", conv(512, 2048, 7, 1, 1, 1), Activation.NONE);
        add("r50-1x1-1024-2048-14s2", conv(1024, 2048, 14, 1, 2, 1), Activation.NONE);
        add("r50-1x1-2048-512-7", conv(2048, 512, 7, 1, 1, 1), Activation.RELU);
        add("r50-3x3-512-7", conv(512, 512, 7, 3, 1, 1), Activation.RELU);

        // MobileNetV2 at 224: stem, then inverted residuals (expand 1x1 + ReLU6, depthwise 3x3 + ReLU6, project 1x1)
        add("mv2-stem-3x3s2", conv(3, 32, 224, 3, 2, 1), Activation.RELU6);
        add("mv2-dw-32-112", dw(32, 112, 3, 1), Activation.RELU6);
        add("mv2-1x1-32-16-112", conv(32, 16, 112, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-16-96-112", conv(16, 96, 112, 1, 1, 1), Activation.RELU6);
        add("mv2-dw-96-112s2", dw(96, 112, 3, 2), Activation.RELU6);
        add("mv2-1x1-96-24-56", conv(96, 24, 56, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-24-144-56", conv(24, 144, 56, 1, 1, 1), Activation.RELU6);
        add("mv2-dw-144-56", dw(144, 56, 3, 1), Activation.RELU6);
        add("mv2-1x1-144-24-56", conv(144, 24, 56, 1, 1, 1), Activation.NONE);
        add("mv2-dw-144-56s2", dw(144, 56, 3, 2), Activation.RELU6);
        add("mv2-1x1-144-32-28", conv(144, 32, 28, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-32-192-28", conv(32, 192, 28, 1, 1, 1), Activation.RELU6);
        add("mv2-dw-192-28", dw(192, 28, 3, 1), Activation.RELU6);
        add("mv2-1x1-192-32-28", conv(192, 32, 28, 1, 1, 1), Activation.NONE);
        add("mv2-dw-192-28s2", dw(192, 28, 3, 2), Activation.RELU6);
        add("mv2-1x1-192-64-14", conv(192, 64, 14, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-64-384-14", conv(64, 384, 14, 1, 1, 1), Activation.RELU6);
        add("mv2-dw-384-14", dw(384, 14, 3, 1), Activation.RELU6);
        add("mv2-1x1-384-64-14", conv(384, 64, 14, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-384-96-14", conv(384, 96, 14, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-96-576-14", conv(96, 576, 14, 1, 1, 1), Activation.RELU6);
        add("mv2-dw-576-14", dw(576, 14, 3, 1), Activation.RELU6);
        add("mv2-1x1-576-96-14", conv(576, 96, 14, 1, 1, 1), Activation.NONE);
        add("mv2-dw-576-14s2", dw(576, 14, 3, 2), Activation.RELU6);
        add("mv2-1x1-576-160-7", conv(576, 160, 7, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-160-960-7", conv(160, 960, 7, 1, 1, 1), Activation.RELU6);
        add("mv2-dw-960-7", dw(960, 7, 3, 1), Activation.RELU6);
        add("mv2-1x1-960-160-7", conv(960, 160, 7, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-960-320-7", conv(960, 320, 7, 1, 1, 1), Activation.NONE);
        add("mv2-1x1-320-1280-7", conv(320, 1280, 7, 1, 1, 1), Activation.RELU6);

        // PP-OCRv4 det at 384x640: LCNet depthwise 5x5 at 1/16 and 1/32, SE blocks (1x1 convs on the pooled 1x1 map)
        add("ocr-dw5-192-24x40", dw5(192, 24, 40, 1), Activation.HARD_SWISH);
        add("ocr-dw5-192-24x40s2", dw5(192, 24, 40, 2), Activation.HARD_SWISH);
        add("ocr-dw5-384-12x20", dw5(384, 12, 20, 1), Activation.HARD_SWISH);
        add("ocr-dw3-16-192x320", dwRect(16, 192, 320, 3, 1), Activation.HARD_SWISH);
        add("ocr-se-192-48", conv(192, 48, 1, 1, 1, 1), Activation.RELU);
        add("ocr-se-48-192", conv(48, 192, 1, 1, 1, 1), Activation.hardSigmoid(0.2f, 0.5f));
        add("ocr-se-384-96", conv(384, 96, 1, 1, 1, 1), Activation.RELU);
        add("ocr-se-96-384", conv(96, 384, 1, 1, 1, 1), Activation.hardSigmoid(0.2f, 0.5f));
        add("ocr-head-3x3-96-24-96x160", rect(96, 24, 96, 160, 3), Activation.NONE);

        // paths no model here runs (for ConvLayerProbe): ResNeXt's grouped 3x3 (32 groups of 4 channels), a depthwise 3x3
        // with channel multiplier 2 (the generic depthwise path)
        add("rx-3x3-128g32-28", conv(128, 128, 28, 3, 1, 32), Activation.RELU);
        add("dw3-mult2-32-56", conv(32, 64, 56, 3, 1, 32), Activation.HARD_SWISH);
    }

    private static void add(String name, ConvShape s, Activation act) {
        LAYERS.put(name, new Layer(name, s, act));
    }

    /** Square {@code k×k} conv, pad k/2, with bias, on a {@code hw×hw} map. */
    static ConvShape conv(int c, int m, int hw, int k, int stride, int groups) {
        int p = k / 2;
        return new ConvShape(1, c, m, groups, new int[] {hw, hw}, new int[] {k, k}, new int[] {p, p}, new int[] {p, p},
                new int[] {stride, stride}, new int[] {1, 1}, true);
    }

    static ConvShape dw(int c, int hw, int k, int stride) {
        return conv(c, c, hw, k, stride, c);
    }

    static ConvShape dw5(int c, int h, int w, int stride) {
        return dwRect(c, h, w, 5, stride);
    }

    static ConvShape dwRect(int c, int h, int w, int k, int stride) {
        int p = k / 2;
        return new ConvShape(1, c, c, c, new int[] {h, w}, new int[] {k, k}, new int[] {p, p}, new int[] {p, p},
                new int[] {stride, stride}, new int[] {1, 1}, true);
    }

    static ConvShape rect(int c, int m, int h, int w, int k) {
        int p = k / 2;
        return new ConvShape(1, c, m, 1, new int[] {h, w}, new int[] {k, k}, new int[] {p, p}, new int[] {p, p},
                new int[] {1, 1}, new int[] {1, 1}, true);
    }

    public static Layer get(String name) {
        Layer l = LAYERS.get(name);
        if (l == null) throw new IllegalArgumentException("no conv layer named '" + name + "'; known: " + LAYERS.keySet());
        return l;
    }

    public static Iterable<Layer> all() {
        return LAYERS.values();
    }
}
