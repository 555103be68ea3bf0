package dev.lanes.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.graph.Backend;
import dev.lanes.graph.DType;
import dev.lanes.graph.Session;
import dev.lanes.graph.SessionOptions;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.onnx.OnnxModelBuilder;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole graphs, generated: the optimised graph on the fast backend (every pass — folds, fusions,
 * specialised plan, NHWC layout, in-place arena — and the Vector API kernels) against the graph as
 * written on the reference backend without passes. The structure of each graph (which layers, folds
 * and activations) follows from its seed; channels, spatial sizes, sequence lengths and widths are
 * awkward sizes.
 *
 * <p>Bound: a graph-level one, {@code |y − r| ≤ 1e-4·(1 + max|r|)}: a handful of layers, each with
 * its kernel's own error (the kernels' properties hold those to DESIGN.md's term bound), on data in
 * [-1, 1].
 */
@WidthSensitive
class OptimisedGraphProperties {
    private static final DType F = DType.FLOAT32;
    private static final String[] ACTIVATIONS = {"", "Relu", "Clip", "HardSwishSpelled", "HardSigmoid", "Sigmoid", "LeakyRelu", "Tanh"};

    @Test
    void convolutionChainsOptimisedOnTheFastBackendEqualTheReference() {
        Theories.qt(12).forAll(Sizes.between(1, 19), Sizes.between(1, 11), Sizes.seeds()).checkAssert((c, h, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int w = h + r.nextInt(3);
            OnnxModelBuilder b = new OnnxModelBuilder("chain").opset(13).input("X", F, 1, c, h, w);
            Tensor input = Tensor.of(Data.uniform(seed, c * h * w), 1, c, h, w);
            int ch = c;
            String x = "X";
            int layers = 1 + r.nextInt(3), k = 0;
            for (int l = 0; l < layers; l++) {
                String p = "l" + l + "_";
                boolean depthwise = r.nextInt(3) == 0, wide = r.nextBoolean();
                int kernel = wide ? 3 : 1, out = depthwise ? ch : 1 + r.nextInt(19);
                b.initializer(p + "W", Tensor.of(Data.uniform(seed + ++k, out * (depthwise ? 1 : ch) * kernel * kernel), out,
                        depthwise ? 1 : ch, kernel, kernel));
                var conv = b.node("Conv").inputs(x, p + "W").outputs(p + "c");
                if (wide) {
                    conv.attrInts("pads", 1, 1, 1, 1);
                }
                if (depthwise) {
                    conv.attr("group", ch);
                }
                conv.add();
                String y = p + "c";
                if (r.nextBoolean()) {
                    b.initializer(p + "g", Tensor.of(Data.uniform(seed + ++k, out), out))
                            .initializer(p + "bb", Tensor.of(Data.uniform(seed + ++k, out), out))
                            .initializer(p + "mu", Tensor.of(Data.uniform(seed + ++k, out), out))
                            .initializer(p + "var", Tensor.of(positive(seed + ++k, out), out))
                            .node("BatchNormalization").inputs(y, p + "g", p + "bb", p + "mu", p + "var").outputs(p + "bn").add();
                    y = p + "bn";
                }
                if (r.nextBoolean()) {
                    b.initializer(p + "k", Tensor.of(new float[] {0.5f + r.nextFloat()}, 1))
                            .initializer(p + "t", Tensor.of(Data.uniform(seed + ++k, out), 1, out, 1, 1))
                            .node("Mul").inputs(p + "k", y).outputs(p + "m").add()
                            .node("Add").inputs(p + "m", p + "t").outputs(p + "a").add();
                    y = p + "a";
                }
                if (out == ch && r.nextInt(3) == 0) {
                    b.node("Add").inputs(y, x).outputs(p + "res").add();
                    y = p + "res";
                }
                y = activation(b, ACTIVATIONS[r.nextInt(ACTIVATIONS.length)], y, p);
                x = y;
                ch = out;
            }
            b.node("Identity").inputs(x).outputs("Y").add().outputUnknownRank("Y", F);
            fastOptimisedEqualsReference(b, Map.of("X", input));
        });
    }

    @Test
    void transformerBlocksOptimisedOnTheFastBackendEqualTheReference() {
        Theories.qt(12).forAll(Sizes.between(1, 17), Sizes.between(1, 24), Sizes.seeds()).checkAssert((seq, hidden, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int batch = 1 + r.nextInt(2), ffn = 1 + r.nextInt(40);
            OnnxModelBuilder b = new OnnxModelBuilder("block").opset(13).input("X", F, "batch", "seq", hidden)
                    .initializer("W1", Tensor.of(Data.uniform(seed + 1, hidden * ffn), hidden, ffn))
                    .initializer("b1", Tensor.of(Data.uniform(seed + 2, ffn), ffn))
                    .initializer("W2", Tensor.of(Data.uniform(seed + 3, ffn * hidden), ffn, hidden))
                    .initializer("b2", Tensor.of(Data.uniform(seed + 4, hidden), hidden))
                    .initializer("gamma", Tensor.of(Data.uniform(seed + 5, hidden), hidden))
                    .initializer("beta", Tensor.of(Data.uniform(seed + 6, hidden), hidden))
                    .initializer("r2", Tensor.scalar((float) Math.sqrt(2))).initializer("one", Tensor.scalar(1f))
                    .initializer("half", Tensor.scalar(0.5f)).initializer("two", Tensor.scalar(2f))
                    .initializer("eps", Tensor.scalar(1e-5f))
                    .node("MatMul").inputs("X", "W1").outputs("p1").add()
                    .node("Add").inputs("b1", "p1").outputs("h").add();
            String act = "h";
            if (r.nextBoolean()) {   // GELU, erf form, as PyTorch exports it
                b.node("Div").inputs("h", "r2").outputs("d").add().node("Erf").inputs("d").outputs("e").add()
                        .node("Add").inputs("e", "one").outputs("a").add().node("Mul").inputs("h", "a").outputs("m").add()
                        .node("Mul").inputs("m", "half").outputs("g").add();
                act = "g";
            }
            b.node("MatMul").inputs(act, "W2").outputs("p2").add()
                    .node("Add").inputs("b2", "p2").outputs("o").add()
                    .node("Add").inputs("o", "X").outputs("s").add()
                    // LayerNorm spelled out
                    .node("ReduceMean").inputs("s").outputs("mu").attrInts("axes", -1).add()
                    .node("Sub").inputs("s", "mu").outputs("dv").add()
                    .node("Pow").inputs("dv", "two").outputs("sq").add()
                    .node("ReduceMean").inputs("sq").outputs("var").attrInts("axes", -1).add()
                    .node("Add").inputs("var", "eps").outputs("ve").add()
                    .node("Sqrt").inputs("ve").outputs("sd").add()
                    .node("Div").inputs("dv", "sd").outputs("n").add()
                    .node("Mul").inputs("n", "gamma").outputs("sc").add()
                    .node("Add").inputs("sc", "beta").outputs("Y").add()
                    .output("Y", F, "batch", "seq", hidden);
            fastOptimisedEqualsReference(b, Map.of("X", Tensor.of(Data.uniform(seed, batch * seq * hidden), batch, seq, hidden)));
        });
    }

    /** Appends the activation (or none) after {@code y}; returns the new value name. */
    private static String activation(OnnxModelBuilder b, String act, String y, String p) {
        String out = p + "act";
        switch (act) {
            case "" -> {
                return y;
            }
            case "Clip" -> b.initializer(p + "lo", Tensor.scalar(0f)).initializer(p + "hi", Tensor.scalar(6f))
                    .node("Clip").inputs(y, p + "lo", p + "hi").outputs(out).add();
            case "HardSwishSpelled" -> b.initializer(p + "three", Tensor.scalar(3f)).initializer(p + "zero", Tensor.scalar(0f))
                    .initializer(p + "six", Tensor.scalar(6f))
                    .node("Add").inputs(y, p + "three").outputs(p + "h3").add()
                    .node("Clip").inputs(p + "h3", p + "zero", p + "six").outputs(p + "hc").add()
                    .node("Mul").inputs(y, p + "hc").outputs(p + "hm").add()
                    .node("Div").inputs(p + "hm", p + "six").outputs(out).add();
            case "LeakyRelu" -> b.node("LeakyRelu").inputs(y).outputs(out).attr("alpha", 0.1f).add();
            default -> b.node(act).inputs(y).outputs(out).add();
        }
        return out;
    }

    private static void fastOptimisedEqualsReference(OnnxModelBuilder b, Map<String, Tensor> in) {
        byte[] model = b.toBytes();
        SessionOptions base = SessionOptions.defaults().withThreads(2);
        try (Session ref = Session.open(model, base.withBackend(Backend.REFERENCE).withOptimize(false));
             Session fast = Session.open(model, base.withBackend(Backend.FAST).withOptimize(true))) {
            Tensor want = ref.run(in).get("Y"), got = fast.run(in).get("Y");
            assertArrayEquals(want.shape(), got.shape());
            double max = 0;
            for (int i = 0; i < want.size(); i++) {
                max = Math.max(max, Math.abs(want.getDouble(i)));
            }
            double bound = 1e-4 * (1 + max);
            for (int i = 0; i < want.size(); i++) {
                double d = Math.abs(want.getDouble(i) - got.getDouble(i));
                int at = i;
                assertTrue(d <= bound, () -> "Y[" + at + "]: reference " + want.getDouble(at) + ", optimised fast " + got.getDouble(at)
                        + " (bound " + bound + ")");
            }
        }
    }

    private static float[] positive(long seed, int n) {
        float[] v = Data.uniform(seed, n);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]) + 0.1f;
        }
        return v;
    }
}
