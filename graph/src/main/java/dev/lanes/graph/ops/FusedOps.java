package dev.lanes.graph.ops;

/** Names of the ops Lanes' fusion passes create (domain {@value #DOMAIN}). */
public final class FusedOps {
    private FusedOps() {}

    public static final String DOMAIN = "lanes";
    public static final String FUSED_CONV = "FusedConv";
    public static final String FUSED_MATMUL = "FusedMatMul";
    public static final String FUSED_GEMM = "FusedGemm";
}
