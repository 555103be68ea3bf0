package dev.lanes.graph.ops;

import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpRegistry;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import dev.lanes.graph.passes.LayoutSelection;
import dev.lanes.reference.PoolShape;
import java.util.Arrays;

/**
 * The ops Lanes' fusion passes create, in domain {@value #DOMAIN}, with their reference bindings
 * (the unfused computation, step by step, so that a fused graph on the reference backend still
 * means exactly what the model said):
 *
 * <ul>
 *   <li>{@value #FUSED_CONV}{@code (X, W, B?, Z?)}: Conv's attributes plus a {@link FusedActivation};
 *       {@code Y = act(Conv(X, W, B) + Z)}, Z (a residual shaped like Y) optional; with the
 *       attributes of {@code LayoutSelection}, X (and Y with Z) are held in NHWC.</li>
 *   <li>{@value #FUSED_MATMUL}{@code (A, B, bias?, Z?)}: {@code Y = act(MatMul(A, B) + bias + Z)}, bias
 *       of B's last dim (N) values, Z (a residual shaped like Y) optional. With {@value #TRANS_B} = 1,
 *       B is stored with its last two axes swapped ({@code [..., N, K]}) and the product reads it as
 *       {@code Bᵀ}: {@code MatMul(A, Transpose(B, perm swapping the last two axes))} without the copy.</li>
 *   <li>{@value #FUSED_GEMM}{@code (A, B, C?)}: Gemm's attributes plus an activation.</li>
 *   <li>{@value #FUSED_INVERTED_RESIDUAL}{@code (X, W_E?, B_E?, W_D, B_D?, W_P?, B_P?, Z?)}: an inverted-residual
 *       block — an expand 1x1 convolution or a stem (when W_E is given; its Conv attributes and activation in
 *       attributes prefixed {@value #EXPAND_PREFIX}), the depthwise convolution (Conv's attributes and the activation), a
 *       projection 1x1 (when W_P is given; default Conv attributes, residual Z, activation prefixed
 *       {@value #PROJECT_PREFIX}); with {@code LayoutSelection}'s attributes X and Y (and Z) are held in NHWC.</li>
 *   <li>{@value #FUSED_CONV_MAX_POOL}{@code (X, W, B?)}: a convolution (Conv's attributes and the activation, no
 *       residual) and the MaxPool of its output (MaxPool's attributes prefixed {@value #POOL_PREFIX}, one output);
 *       with {@code LayoutSelection}'s attributes X and Y are held in NHWC.</li>
 *   <li>{@value #FUSED_CONV_GLOBAL_AVERAGE_POOL}{@code (X, W, B?)}: a convolution (Conv's attributes and the
 *       activation, no residual) and the GlobalAveragePool of its output, {@code [N, M, 1, 1]}; with
 *       {@code LayoutSelection}'s attribute X is held in NHWC.</li>
 *   <li>{@value #QKV_ATTENTION}{@code (QKV, attn_mask?)}: ONNX Attention (3-D, no past, one output) on Q, K and V
 *       that are consecutive column slices of one {@code [B, S, Nq + Nk + Nv]} tensor, the widths in
 *       {@value #QKV_SPLIT} ({@link QkvAttentionOp}).</li>
 * </ul>
 */
public final class FusedOps {
    private FusedOps() {}

    public static final String DOMAIN = "lanes";
    public static final String FUSED_CONV = "FusedConv";
    public static final String FUSED_MATMUL = "FusedMatMul";
    public static final String FUSED_GEMM = "FusedGemm";
    public static final String FUSED_INVERTED_RESIDUAL = "FusedInvertedResidual";
    /** Prefix of FusedInvertedResidual's attributes for the expand's activation. */
    public static final String EXPAND_PREFIX = "expand_";
    /** Prefix of FusedInvertedResidual's attributes for the projection's activation. */
    public static final String PROJECT_PREFIX = "project_";
    public static final String FUSED_CONV_MAX_POOL = "FusedConvMaxPool";
    /** Prefix of FusedConvMaxPool's attributes for the pool's window. */
    public static final String POOL_PREFIX = "pool_";
    public static final String FUSED_CONV_GLOBAL_AVERAGE_POOL = "FusedConvGlobalAveragePool";
    public static final String QKV_ATTENTION = "QkvAttention";
    /** QkvAttention attribute: the widths of Q, K and V along QKV's last axis. */
    public static final String QKV_SPLIT = "qkv_split";
    /** FusedMatMul attribute: 1 when B is stored transposed (its last two axes swapped). */
    public static final String TRANS_B = "transB";

    static void register(OpRegistry r) {
        r.register(DOMAIN, FUSED_CONV, 1, FusedOps::conv);
        r.register(DOMAIN, FUSED_MATMUL, 1, FusedOps::matmul);
        r.register(DOMAIN, FUSED_GEMM, 1, FusedOps::gemm);
        r.register(DOMAIN, FUSED_INVERTED_RESIDUAL, 1, FusedOps::invertedResidual);
        r.register(DOMAIN, FUSED_CONV_MAX_POOL, 1, FusedOps::convMaxPool);
        r.register(DOMAIN, FUSED_CONV_GLOBAL_AVERAGE_POOL, 1, FusedOps::convGlobalAveragePool);
        r.register(DOMAIN, QKV_ATTENTION, 1, s -> QkvAttentionOp.create(s, false));
    }

    static Operator conv(OpSetup s) {
        Operator conv = ConvOps.conv(s);
        FusedActivation act = FusedActivation.read(s);
        boolean residual = s.hasInput(3);
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        return (in, ctx) -> {
            Tensor[] args = Arrays.copyOf(in, Math.min(3, in.length));
            if (xNhwc) {
                args[0] = Nhwc.toNchw(LinearOps.float32(in[0], "FusedConv X"));
            }
            Tensor y = conv.run(args, ctx)[0];
            if (residual) {
                y = BinaryOps.apply(FUSED_CONV, BinaryOps.Kind.ADD, y, residual(yNhwc ? Nhwc.toNchw(in[3]) : in[3], y.shape(), FUSED_CONV));
            }
            y = act.applyReference(y);
            return new Tensor[] {yNhwc ? Nhwc.toNhwc(y) : y};
        };
    }

    /**
     * FusedInvertedResidual: the expand (when W_E is given; Conv attributes and activation prefixed
     * {@value #EXPAND_PREFIX}), the depthwise (the node's Conv attributes and activation), then the projection 1x1
     * (when W_P is given; default Conv attributes, the residual Z, activation {@value #PROJECT_PREFIX}*), in turn.
     */
    static Operator invertedResidual(OpSetup s) {
        WindowAttrs.Conv depthwise = WindowAttrs.Conv.read(s), expandConv = WindowAttrs.Conv.read(s, EXPAND_PREFIX);
        FusedActivation expandAct = FusedActivation.read(s, EXPAND_PREFIX), act = FusedActivation.read(s);
        FusedActivation projectAct = FusedActivation.read(s, PROJECT_PREFIX);
        boolean expand = s.hasInput(1), project = s.hasInput(5), residual = s.hasInput(7);
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        return (in, ctx) -> {
            Tensor v = LinearOps.float32(in[0], FUSED_INVERTED_RESIDUAL + " X");
            if (xNhwc) {
                v = Nhwc.toNchw(v);
            }
            if (expand) {
                v = expandAct.applyReference(ConvOps.conv(expandConv, v, in[1], input(in, 2)));
            }
            v = act.applyReference(ConvOps.conv(depthwise, v, in[3], input(in, 4)));
            if (project) {
                v = ConvOps.conv(WindowAttrs.Conv.DEFAULTS, v, in[5], input(in, 6));
                if (residual) {
                    v = BinaryOps.apply(FUSED_INVERTED_RESIDUAL, BinaryOps.Kind.ADD, v,
                            residual(yNhwc ? Nhwc.toNchw(in[7]) : in[7], v.shape(), FUSED_INVERTED_RESIDUAL));
                }
                v = projectAct.applyReference(v);
            }
            return new Tensor[] {yNhwc ? Nhwc.toNhwc(v) : v};
        };
    }

    /** FusedConvMaxPool: the convolution (the node's Conv attributes and activation), then the MaxPool ({@value #POOL_PREFIX}*), in turn. */
    static Operator convMaxPool(OpSetup s) {
        WindowAttrs.Conv conv = WindowAttrs.Conv.read(s);
        WindowAttrs.Pool pool = WindowAttrs.Pool.read(s, PoolShape.Mode.MAX, POOL_PREFIX);
        FusedActivation act = FusedActivation.read(s);
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0, yNhwc = s.getLong(LayoutSelection.Y_NHWC, 0) != 0;
        return (in, ctx) -> {
            Tensor v = LinearOps.float32(in[0], FUSED_CONV_MAX_POOL + " X");
            if (xNhwc) {
                v = Nhwc.toNchw(v);
            }
            v = act.applyReference(ConvOps.conv(conv, v, in[1], input(in, 2)));
            Tensor y = ConvOps.maxPool(pool, v);
            return new Tensor[] {yNhwc ? Nhwc.toNhwc(y) : y};
        };
    }

    /** FusedConvGlobalAveragePool: the convolution (the node's Conv attributes and activation), then its global average, in turn. */
    static Operator convGlobalAveragePool(OpSetup s) {
        WindowAttrs.Conv conv = WindowAttrs.Conv.read(s);
        FusedActivation act = FusedActivation.read(s);
        boolean xNhwc = s.getLong(LayoutSelection.X_NHWC, 0) != 0;
        return (in, ctx) -> {
            Tensor v = LinearOps.float32(in[0], FUSED_CONV_GLOBAL_AVERAGE_POOL, "X");
            if (xNhwc) {
                v = Nhwc.toNchw(v);
            }
            v = act.applyReference(ConvOps.conv(conv, v, in[1], input(in, 2)));
            return new Tensor[] {ConvOps.globalAverage(v)};
        };
    }

    /** Input {@code i}, or null when it was omitted at the end of the node's inputs. */
    private static Tensor input(Tensor[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    static Operator matmul(OpSetup s) {
        Operator mm = LinearOps.matmul(s);
        FusedActivation act = FusedActivation.read(s);
        boolean bias = s.hasInput(2), residual = s.hasInput(3);
        boolean transB = transB(s);
        return (in, ctx) -> {
            Tensor y = mm.run(new Tensor[] {in[0], transB ? swapLastTwo(in[1]) : in[1]}, ctx)[0];
            if (bias) {
                Tensor b = LinearOps.float32(in[2], "FusedMatMul bias");
                checkBias(b, y);
                y = BinaryOps.apply(FUSED_MATMUL, BinaryOps.Kind.ADD, y, b);
            }
            if (residual) {
                y = BinaryOps.apply(FUSED_MATMUL, BinaryOps.Kind.ADD, y, residual(in[3], y.shape(), FUSED_MATMUL));
            }
            return new Tensor[] {act.applyReference(y)};
        };
    }

    /** The FusedMatMul's {@value #TRANS_B} flag (0 or 1; anything else is rejected). */
    static boolean transB(OpSetup s) {
        long t = s.getLong(TRANS_B, 0);
        if (t != 0 && t != 1) {
            throw s.invalid("attribute '" + TRANS_B + "' must be 0 or 1, got " + t);
        }
        return t == 1;
    }

    /** B with its last two axes swapped (the reference meaning of {@value #TRANS_B}); B must have rank ≥ 2. */
    static Tensor swapLastTwo(Tensor b) {
        int r = b.rank();
        if (r < 2) {
            throw new IllegalArgumentException(FUSED_MATMUL + " with " + TRANS_B + " needs B of rank ≥ 2, got " + Shapes.str(b.shape()));
        }
        int[] sh = b.shape(), st = Shapes.strides(sh), out = sh.clone(), ost = st.clone();
        out[r - 2] = sh[r - 1];
        out[r - 1] = sh[r - 2];
        ost[r - 2] = st[r - 1];
        ost[r - 1] = st[r - 2];
        return IndexCopy.gather(b, MovementOps.stridedMap(out, ost, 0), out);
    }

    /** The residual Z, which must be float32 of exactly the output's shape. */
    static Tensor residual(Tensor z, int[] outShape, String op) {
        LinearOps.float32(z, op, "Z");
        if (!Arrays.equals(z.shape(), outShape)) {
            throw new IllegalArgumentException(op + " Z " + Shapes.str(z.shape()) + " must have the output's shape " + Shapes.str(outShape));
        }
        return z;
    }

    /** A FusedMatMul bias is one value per output column: shape [N]. */
    static void checkBias(Tensor bias, Tensor y) {
        int n = y.rank() == 0 ? 1 : y.dim(y.rank() - 1);
        if (bias.rank() != 1 || bias.dim(0) != n) {
            throw new IllegalArgumentException("FusedMatMul bias " + Shapes.str(bias.shape()) + " must have shape [" + n + "]");
        }
    }

    static Operator gemm(OpSetup s) {
        Operator gemm = LinearOps.gemm(s);
        FusedActivation act = FusedActivation.read(s);
        return (in, ctx) -> new Tensor[] {act.applyReference(gemm.run(in, ctx)[0])};
    }
}
