package dev.lanes.models.inspect;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Node;
import java.util.function.Function;

/**
 * Floating-point operations of the nodes that dominate a model's work: the multiply-adds of MatMul,
 * Gemm, Conv and ConvTranspose, counted as two operations each. Element-wise and data-movement nodes
 * count zero; their cost is memory traffic, not arithmetic.
 */
public final class FlopCount {
    private FlopCount() {}

    /** The node's FLOPs given the tensors of its inputs and outputs ({@code values} returns null for unknown ones). */
    public static long of(Node n, Function<String, Tensor> values) {
        Tensor out = n.outputs().isEmpty() ? null : values.apply(n.outputs().get(0));
        if (out == null) return 0;
        long outSize = out.size();
        return switch (n.opType()) {
            case "MatMul" -> {
                Tensor a = values.apply(n.input(0));
                if (a == null || a.rank() == 0) yield 0;
                yield 2 * outSize * a.dim(a.rank() - 1);
            }
            case "Gemm" -> {
                Tensor a = values.apply(n.input(0));
                if (a == null || a.rank() != 2) yield 0;
                Attribute t = n.attributes().get("transA");
                boolean transA = t != null && ((Number) t.value()).longValue() != 0;
                yield 2 * outSize * a.dim(transA ? 0 : 1);
            }
            case "Conv" -> {
                Tensor w = values.apply(n.input(1));
                yield w == null ? 0 : 2 * outSize * (w.size() / Math.max(1, w.dim(0)));
            }
            case "ConvTranspose" -> {
                Tensor x = values.apply(n.input(0)), w = values.apply(n.input(1));
                yield x == null || w == null ? 0 : 2L * x.size() * (w.size() / Math.max(1, w.dim(0)));
            }
            default -> 0;
        };
    }
}
