package dev.lanes.graph.passes;

import dev.lanes.graph.ir.Attribute;
import dev.lanes.graph.ir.Graph;
import dev.lanes.graph.ir.Node;
import dev.lanes.graph.ops.FusedOps;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A convolution whose only reader is a MaxPool (ResNet's stem: 7x7/2 → 64@112², then 3x3/2) becomes one
 * lanes FusedConvMaxPool node, which the fast backend runs in bands of pooled rows so the convolution's map
 * is never written out whole (simd-kernels' {@code ConvMaxPoolOperator}); the reference binding runs the
 * convolution and the pool in turn.
 *
 * <p>Pattern: a FusedConv C (2-D float32 W, no residual, Y in NHWC) whose output is read by a MaxPool P alone
 * (not a graph output), P with one output (no indices) in NHWC, and C's output map at least
 * {@link #PAYS_FROM_BYTES} (smaller maps stay in L2 between the two anyway). The fused node reads
 * {@code (X, W, B)}, keeps C's attributes (X layout, activation), P's window attributes under
 * {@value FusedOps#POOL_PREFIX} and Y in NHWC. Runs after {@link LayoutSelection} and, like
 * {@link InvertedResidualFusion}, only on graphs whose inputs all have fixed shapes.
 */
public final class ConvMaxPoolFusion extends FusionPass {
    /** The convolution maps worth fusing: beyond the 1 MB L2 of a core. */
    public static final long PAYS_FROM_BYTES = 1L << 20;
    /** MaxPool's window attributes, kept under {@value FusedOps#POOL_PREFIX}. */
    private static final String[] POOL_WINDOW = {"kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order"};
    /** The attributes a MaxPool may have to be merged: its window and its layout mark. */
    private static final String[] POOL_ATTRIBUTES = Stream.concat(Arrays.stream(POOL_WINDOW), Stream.of(LayoutSelection.NHWC)).toArray(String[]::new);

    private final long minMapBytes;

    public ConvMaxPoolFusion() {
        this(PAYS_FROM_BYTES);
    }

    /** Fuses convolutions whose output map has at least {@code minMapBytes} (tests fuse small ones). */
    ConvMaxPoolFusion(long minMapBytes) {
        this.minMapBytes = minMapBytes;
    }

    @Override
    public String name() {
        return "conv-maxpool-fusion";
    }

    @Override
    public Graph apply(Graph g) {
        return StandardPasses.worthSpecialising(g) ? g : super.apply(g);
    }

    @Override
    void match(GraphIndex ix, Rewrite rw, Node p) {
        if (!p.domain().isEmpty() || !p.opType().equals("MaxPool") || p.outputs().size() != 1 || !NodeAttrs.onlyHas(p, POOL_ATTRIBUTES)
                || NodeAttrs.getLong(p, LayoutSelection.NHWC, 0) == 0) {
            return;
        }
        String mid = p.input(0);
        Node c = ix.producer(mid);
        if (c == null || !FusedConvMatch.isFusedConv(c) || !c.input(3).isEmpty() || NodeAttrs.getLong(c, LayoutSelection.Y_NHWC, 0) == 0
                || ix.isGraphOutput(mid) || ix.singleConsumer(mid) != p || !FusedConvMatch.floatWeights(ix, c)
                || !FusedConvMatch.mapOfAtLeast(ix.info(mid).fixedShape(), minMapBytes)) {
            return;
        }
        if (!rw.claim(new Node[] {c, p})) {
            return;
        }
        List<String> inputs = FusedConvMatch.convInputs(c);
        Map<String, Attribute> attrs = new LinkedHashMap<>(c.attributes());
        FusedConvMatch.putPrefixed(attrs, p, FusedOps.POOL_PREFIX, POOL_WINDOW);
        attrs.put(LayoutSelection.Y_NHWC, Attribute.ofLong(LayoutSelection.Y_NHWC, 1));
        rw.replace(p, new Node(c.name() + "+" + p.name(), FusedOps.FUSED_CONV_MAX_POOL, FusedOps.DOMAIN, c.opset(), inputs, p.outputs(), attrs));
    }
}
