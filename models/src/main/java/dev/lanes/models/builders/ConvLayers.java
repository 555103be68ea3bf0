package dev.lanes.models.builders;

import static dev.lanes.models.builders.GraphBuilder.attr;
import static dev.lanes.models.builders.GraphBuilder.ints;

import java.util.List;

/**
 * The convolutional building blocks of the CNN builders, written as PyTorch's exporter writes them:
 * Conv (weights OIHW), BatchNormalization in inference form with its four tensors, ReLU, and ReLU6 as
 * Clip with constant bounds.
 */
final class ConvLayers {
    private ConvLayers() {}

    /**
     * A 2-D convolution with square kernel {@code k}, symmetric padding {@code pad}, He-initialised
     * weights ({@code scope.weight}, shape cout × cin/groups × k × k) and, when {@code bias}, a bias.
     */
    static String conv(GraphBuilder b, String scope, String x, int cin, int cout, int k, int stride, int pad,
                       int groups, boolean bias) {
        if (cin % groups != 0 || cout % groups != 0) {
            throw new IllegalArgumentException(scope + ": channels " + cin + " -> " + cout + " do not split into "
                    + groups + " groups");
        }
        int fanIn = cin / groups * k * k;
        String w = b.param(scope + ".weight", WeightInit.he(fanIn), cout, cin / groups, k, k);
        List<String> in = bias
                ? List.of(x, w, b.param(scope + ".bias", WeightInit.std(0.1), cout))
                : List.of(x, w);
        return b.op(scope, "Conv", in,
                ints("dilations", 1, 1), attr("group", groups), ints("kernel_shape", k, k),
                ints("pads", pad, pad, pad, pad), ints("strides", stride, stride));
    }

    /**
     * Inference batch normalisation over {@code c} channels. The running statistics are drawn near
     * (0, 1) so the layer does real work without moving activations off scale; {@code gammaScale}
     * shrinks the scale of the last norm of a residual branch so that the residual sums stay sane.
     */
    static String batchNorm(GraphBuilder b, String scope, String x, int c, double gammaScale) {
        String gamma = b.param(scope + ".weight", WeightInit.uniform(0.8 * gammaScale, 1.2 * gammaScale), c);
        String beta = b.param(scope + ".bias", WeightInit.std(0.05), c);
        String mean = b.buffer(scope + ".running_mean", WeightInit.std(0.05), c);
        String var = b.buffer(scope + ".running_var", WeightInit.uniform(0.8, 1.25), c);
        return b.op(scope, "BatchNormalization", List.of(x, gamma, beta, mean, var),
                attr("epsilon", 1e-5f), attr("momentum", 0.9f));
    }

    static String relu(GraphBuilder b, String scope, String x) {
        return b.op(scope, "Relu", List.of(x));
    }

    /** min(max(x, 0), 6), as Clip with its bounds as inputs (opset 11 on). */
    static String relu6(GraphBuilder b, String scope, String x) {
        return b.op(scope, "Clip", List.of(x, b.scalar(0f), b.scalar(6f)));
    }

    /**
     * Conv without bias (padding (k-1)/2), BatchNormalization, then the activation; the parameters are
     * named {@code convName.weight} and {@code bnName.*} as in the framework's state dict.
     */
    static String convBn(GraphBuilder b, String convName, String bnName, String x, int cin, int cout, int k, int stride,
                         int groups, Activation act, double gammaScale) {
        String y = conv(b, convName, x, cin, cout, k, stride, (k - 1) / 2, groups, false);
        y = batchNorm(b, bnName, y, cout, gammaScale);
        return switch (act) {
            case NONE -> y;
            case RELU -> relu(b, bnName, y);
            case RELU6 -> relu6(b, bnName, y);
        };
    }

    enum Activation { NONE, RELU, RELU6 }

    /** Global average pooling, flattening and a fully connected classifier (Gemm with transB as exported). */
    static String classifier(GraphBuilder b, String scope, String x, int features, int classes, String output) {
        String pooled = b.op("avgpool", "GlobalAveragePool", List.of(x));
        String flat = b.op("flatten", "Flatten", List.of(pooled), attr("axis", 1L));
        String w = b.param(scope + ".weight", WeightInit.lecun(features), classes, features);
        String bias = b.param(scope + ".bias", WeightInit.std(0.01), classes);
        return b.opTo(output, scope, "Gemm", List.of(flat, w, bias), attr("alpha", 1f), attr("beta", 1f), attr("transB", 1L));
    }
}
