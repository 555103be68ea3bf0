package dev.lanes.bench.gemm;

/** The GEMM shapes of issue 3, as "MxNxK" strings JMH can take as parameters. */
final class GemmShapes {
    private GemmShapes() {}

    /** Parses "MxNxK". */
    static int[] parse(String shape) {
        String[] p = shape.split("x");
        if (p.length != 3) throw new IllegalArgumentException("shape must be MxNxK, got " + shape);
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    static long flops(String shape) {
        int[] d = parse(shape);
        return 2L * d[0] * d[1] * d[2];
    }
}
