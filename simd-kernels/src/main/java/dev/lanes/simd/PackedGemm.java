package dev.lanes.simd;

import dev.lanes.reference.Gemm;
import dev.lanes.reference.GemmShape;
import dev.lanes.reference.MatMul;
import dev.lanes.reference.MatMulShape;
import java.util.Objects;

/**
 * Single-precision GEMM in the GotoBLAS/BLIS structure on the Vector API:
 * {@code C = epilogue(alpha·op(A)·op(B) + beta·C)} with B (the weights) packed once by {@link #packB}.
 *
 * <h2>Two phases</h2>
 * <pre>{@code
 *   PackedB w = PackedGemm.packB(k, n, weights, 0, n, false);          // prepare: once per model
 *   PackedGemm.gemm(m, n, k, x, 0, k, false, 1f, w, y, 0, n, 0f,       // run: per inference
 *                   Epilogue.of(Activation.RELU).withBiasPerColumn(bias, 0), Parallel.shared());
 * }</pre>
 *
 * <h2>Layouts</h2>
 * Row-major with leading dimensions: A is M×K read at {@code a[aOff + i·lda + p]}, or, with
 * {@code transA}, K×M read at {@code a[aOff + p·lda + i]}; B likewise with {@code ldb}/{@code transB}
 * (at packing time); C is M×N at {@code c[cOff + i·ldc + j]}. C is read only when beta ≠ 0.
 * Exactly the M×N elements of C are written.
 *
 * <h2>Algorithm</h2>
 * M ≤ {@link #FEW_ROWS_MAX_M} (decode, small batches, fully connected heads) takes the few-rows path:
 * no packing of A, the packed B streamed once pair of panels by pair of panels ({@link Gemv1x4v} for
 * M = 1, {@link Gemm4x4v}/{@link Gemm6x4v} row blocks on 512-bit vectors, {@link Gemm4x2v} on narrower
 * ones), split over N between threads. Otherwise loops nc → kc → mc → nr → mr over a packed A block
 * (mc×kc) and B panels (kc×NR) with the {@link Gemm12x2v} micro-kernel on 512-bit vectors
 * ({@link Gemm6x2v} on 128/256-bit), 4-row remainder panels through {@link Gemm4x2v}, and edge tiles
 * merged outside the hot loop. The epilogue runs on each tile right after its last k-block, while it
 * is hot in L1; on a full tile of a product's one k-block, its column bias (and a residual added before the
 * activation) is added in registers before the kernel's stores, the same operations in the same order
 * (a transformer's every MatMul has a bias, two of its four a residual: the separate pass cost MiniLM's QKV
 * projection ~5 %).
 *
 * <h2>Caches (this machine: 48 KB L1d and 1 MB L2 per core, 32 MB L3 shared)</h2>
 * lscpu's "L2 2 MiB (2 instances)" is 1 MB per core, not the 2 MB earlier notes assumed. At kc = 768
 * a B panel (kc×NR, 96 KB) lives in L2, not L1, and the 12-row A panel (36 KB) in L1; the A block of
 * one m-block (≤ 192 rows × 768, 590 KB) fits the 1 MB L2 next to the panel. Blocking B panels into
 * L1 instead (kc = 256 or 384, a 32-48 KB panel) was measured slower on this machine (GFLOP per CPU
 * second, 1 thread, 2026-11-30 21:05, a shared machine so ±5 %): kc 256 / 384 / 768 gave 191 / 189 / 201
 * at 512³, 202 / 191 / 192-200 at 1024³, 163 / 173 / 187-191 at 2048³, 172 / 168 / 188 at 128×768×3072:
 * every extra k-block sends each tile through the scratch tile and {@link Tiles#merge}. mc = 48, 96,
 * 192 and 384 and nc = 256, 1024 and 2048 were within that noise of each other (nc = 256 lower).
 *
 * <h2>Threads and determinism</h2>
 * Work is split over whole M tiles × N panels ({@link #blockedTiles}, a grid that counts A packing)
 * when it is large enough; up to {@link #MC_SINGLE} rows on several threads split N only, with A
 * packed once, lazily, and shared ({@link SharedPackedA}): one dispatch per product. K is never split, and every element is one FMA chain over k in the same order
 * (k-blocks in order), so the result is bit-identical for any thread count.
 *
 * <p>An instance implements the reference {@link Gemm} and {@link MatMul} interfaces (ONNX Gemm and
 * MatMul) for the graph; the static {@code matmul} methods add the epilogue and pre-packed weights.
 */
public final class PackedGemm implements Gemm, MatMul {

    /** 512-bit vectors take the 12×2v tile, narrower ones 6×2v (16-register budget of AVX2). */
    static final boolean WIDE = VectorWidth.LANES >= 16;
    /** Rows of the main micro-kernel. */
    static final int MR = WIDE ? Gemm12x2v.MR : Gemm6x2v.MR;
    /** Columns of a B panel: 2 vectors, shared by every kernel. */
    static final int NR = 2 * VectorWidth.LANES;
    /** Rows of the remainder kernel. */
    static final int MR_TAIL = Gemm4x2v.MR;
    /**
     * Largest M that takes the few-rows path (A read in place, no packing): 8 on 512-bit vectors,
     * where {@link Gemm4x4v} and {@link Gemm6x4v} have the registers; 4 on narrower ones.
     */
    static final int FEW_ROWS_MAX_M = WIDE ? 8 : 4;
    /**
     * k-blocks: K up to KC_SINGLE is one block (no partial sums through C at all); longer K is cut into
     * equal blocks of at most KC. Measured here (GFLOP per CPU-second, 512-bit, `Quick`-style loops):
     * 16×768×768 one block 199 vs three of 256 184; 1024³ one block ≈ 229 vs two of 512 ≈ 210;
     * 128×768×3072 blocks of 768 ≈ 202 vs 512 ≈ 189; 2048³ the same (≈ 200) for 512, 768 and 1024.
     * The kc×NR B panel (96 KB at kc = 768) then lives in the 1 MB L2, which feeds 2 loads per 24 FMAs
     * easily; the 12×kc A panel (36 KB) in the 48 KB L1. Smaller kc measured slower, see the class notes.
     */
    static final int KC = tuning("kc", 768);
    /**
     * One k-block up to here. 1536 rather than 1024 for MiniLM's 128×384×1536 (output dense): a second
     * k-block sends every tile through the scratch tile and {@link Tiles#merge}; one block measured ~7 %
     * less CPU time in MiniLM's layer order (weights from memory, not a hot loop).
     */
    static final int KC_SINGLE = Math.max(KC, tuning("kcSingle", 1536));
    /** m-block, a multiple of MR: an mc×kc A block (≤ 295 KB at kc = 768) stays in the 1 MB L2. 48 to 384 measured the same. */
    static final int MC = roundUp(tuning("mc", 8 * MR), MR);
    /**
     * Row ranges up to this many rows are one m-block (A block ≤ 590 KB at kc = 768, in the 1 MB L2):
     * a transformer's 128 rows were 96 + 32, so every B panel was fetched twice and A packed in two
     * goes; as one block, MiniLM's intermediate and output MatMuls took ~8 % less CPU time.
     */
    static final int MC_SINGLE = tuning("mcSingle", 192);
    /** n-block in panels: the kc×nc part of B reused across all M blocks. 512 to 4096 measured the same for 1024³. */
    static final int NC_PANELS = Math.max(1, tuning("nc", 1024) / NR);
    /** Largest N, and largest packed B in bytes, for reading A in place (see {@link #inPlaceA}). */
    static final int IN_PLACE_MAX_N = tuning("inPlaceMaxN", 256);
    static final long IN_PLACE_MAX_B_BYTES = tuning("inPlaceMaxBKiB", 512) * 1024L;
    /** Largest A packed once for all threads ({@link #sharedA}): 16 MB, K up to ~20000 at M = 192; 0 turns it off. */
    static final long SHARED_A_MAX_FLOATS = tuning("sharedAMaxKiB", 16 * 1024) * 256L;
    /** Packing one row of A costs about as much as computing this many of its columns (for {@link #blockedTiles}). */
    static final int PACK_COST_COLUMNS = 16;
    /** Least multiply-adds worth a thread of their own (fork/join costs a few microseconds). */
    static final long MIN_MACS_PER_SHARE = tuning("minMacsPerShare", 1 << 17);

    /**
     * The tiling this JVM chose (vector width, micro-kernels, block sizes), for {@code lanes info}.
     * Not logged at class load: the first {@code System.getLogger} in a JVM costs 40-60 ms of every
     * model's load time.
     */
    public static String configuration() {
        return "PackedGemm: " + VectorWidth.BITS + "-bit vectors, main tile "
                + MR + "x" + NR + " (" + (WIDE ? "Gemm12x2v" : "Gemm6x2v") + "), tail " + (WIDE ? "Gemm8x2v/Gemm4x2v" : "Gemm4x2v") + ", few rows up to M=" + FEW_ROWS_MAX_M
                + (WIDE ? " (Gemv1x4v, Gemm4x4v, Gemm6x4v), " : " (Gemv1x4v, Gemm4x2v), ")
                + "kc=" + KC + " (one block up to " + KC_SINGLE + ") mc=" + MC + " nc=" + NC_PANELS * NR + ", hardware FMA " + Fma.HARDWARE;
    }

    private final Parallel parallel;

    /** A {@link Gemm} on {@link Parallel#shared()}. */
    public PackedGemm() {
        this(Parallel.shared());
    }

    /** A {@link Gemm} on the given runtime. */
    public PackedGemm(Parallel parallel) {
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    // ---------------------------------------------------------------------------------------------
    // Packing B

    /**
     * Packs op(B) (K×N) into panels; see {@link PackedB} for the layout. B is read at
     * {@code b[bOff + p·ldb + j]}, or with {@code transB} (B stored N×K) at {@code b[bOff + j·ldb + p]}.
     */
    public static PackedB packB(int k, int n, float[] b, int bOff, int ldb, boolean transB) {
        checkDims("packB", 1, n, k);
        checkMatrix("packB", "B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        int panels = (n + NR - 1) / NR;
        long size = (long) panels * k * NR;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("packB: packed B of K=" + k + ", N=" + n + " needs " + size + " floats, more than an array holds");
        }
        float[] data = new float[(int) size];
        packInto(k, n, b, bOff, ldb, transB, data);
        return new PackedB(k, n, NR, data);
    }

    /** Floats {@link #packB} allocates for a K×N matrix (whole panels). */
    public static long packedBSize(int k, int n) {
        return (long) ((n + NR - 1) / NR) * k * NR;
    }

    /**
     * {@code count} K×N matrices, matrix i at {@code b[bOff + i·bStride]} (row-major, leading dimension
     * ldb), each packed as {@link #packB} packs it, all in one array: for a set of weight matrices that
     * live and die together (Winograd's α² transformed filters), one allocation instead of α² — a
     * 1 MB matrix alone is a humongous object that takes two G1 regions.
     */
    public static PackedB[] packBs(int count, int k, int n, float[] b, int bOff, int bStride, int ldb) {
        checkDims("packB", 1, n, k);
        int panels = (n + NR - 1) / NR;
        long each = (long) panels * k * NR;
        if (each * count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("packB: " + count + " packed B of K=" + k + ", N=" + n + " need " + each * count + " floats, more than an array holds");
        }
        float[] data = new float[(int) (each * count)];
        PackedB[] r = new PackedB[count];
        for (int i = 0; i < count; i++) {
            checkMatrix("packB", "B", b, bOff + i * bStride, ldb, k, n);
            packInto(k, n, b, bOff + i * bStride, ldb, false, data, (int) (i * each));
            r[i] = new PackedB(k, n, NR, data, (int) (i * each));
        }
        return r;
    }

    /** Packs into {@code data} (at least K × panels × NR floats, padding columns are written as 0). */
    private static void packInto(int k, int n, float[] b, int bOff, int ldb, boolean transB, float[] data) {
        packInto(k, n, b, bOff, ldb, transB, data, 0);
    }

    /** {@link #packInto} with the panels starting at {@code data[dOff]}. */
    private static void packInto(int k, int n, float[] b, int bOff, int ldb, boolean transB, float[] data, int dOff) {
        int panels = (n + NR - 1) / NR;
        for (int pnl = 0; pnl < panels; pnl++) {
            int j0 = pnl * NR, cols = Math.min(NR, n - j0), base = dOff + pnl * k * NR;
            if (!transB) {
                for (int p = 0; p < k; p++) {
                    int dst = base + p * NR;
                    System.arraycopy(b, bOff + p * ldb + j0, data, dst, cols);
                    for (int j = cols; j < NR; j++) data[dst + j] = 0f;
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bOff + (j0 + j) * ldb;
                        for (int p = 0; p < k; p++) data[base + p * NR + j] = b[src + p];
                    } else {
                        for (int p = 0; p < k; p++) data[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // GEMM entry points

    /**
     * {@code C = epilogue(alpha·op(A)·B + beta·C)} with B packed (its K and N are the product's).
     *
     * @param m rows of C (≥ 0)
     * @param n columns of C, must equal {@code b.n()}
     * @param k the reduced dimension, must equal {@code b.k()}
     * @param epilogue bias / activation / residual, {@link Epilogue#NONE} for none
     * @param parallel the threads to use ({@link Parallel#callerOnly()} for none)
     */
    public static void gemm(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                            PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue epilogue, Parallel parallel) {
        Objects.requireNonNull(b, "packed B");
        Objects.requireNonNull(epilogue, "epilogue");
        Objects.requireNonNull(parallel, "parallel");
        checkDims("gemm", m, n, k);
        if (b.k() != k || b.n() != n) {
            throw new IllegalArgumentException("gemm: packed B is " + b.k() + "×" + b.n() + " but K×N is " + k + "×" + n);
        }
        if (b.nr() != NR) throw new IllegalArgumentException("gemm: packed B has panels of " + b.nr() + ", this JVM's kernels need " + NR);
        if (m == 0 || n == 0) return;
        checkMatrix("gemm", "A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("gemm", "C", c, cOff, ldc, m, n);
        epilogue.check(m, n);
        if (k == 0) {
            scaleOnly(m, n, c, cOff, ldc, beta, epilogue);
            return;
        }
        long macs = (long) m * n * k;
        if (m <= FEW_ROWS_MAX_M) {
            gemvPath(m, n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, epilogue, parallel, macs);
        } else {
            blockedPath(m, n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, epilogue, parallel, macs);
        }
    }

    /**
     * The same product with B not yet packed: packs it into a per-thread scratch buffer first (use
     * {@link #packB} once instead when B is a weight used again).
     */
    public static void gemm(int m, int n, int k, float[] a, int aOff, int lda, boolean transA,
                            float[] b, int bOff, int ldb, boolean transB, float alpha,
                            float[] c, int cOff, int ldc, float beta, Epilogue epilogue, Parallel parallel) {
        checkDims("gemm", m, n, k);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            checkMatrix("gemm", "C", c, cOff, ldc, m, n);
            Objects.requireNonNull(epilogue, "epilogue").check(m, n);
            scaleOnly(m, n, c, cOff, ldc, beta, epilogue);
            return;
        }
        checkMatrix("gemm", "B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        Scratch s = Scratch.get();
        PackedB packed = s.borrowB(k, n, NR);
        try {
            packInto(k, n, b, bOff, ldb, transB, packed.data());
            gemm(m, n, k, a, aOff, lda, transA, alpha, packed, c, cOff, ldc, beta, epilogue, parallel);
        } finally {
            s.returnB(packed);
        }
    }

    /** ONNX Gemm through the flat API (the {@link Gemm} interface the graph binds). */
    @Override
    public void gemm(GemmShape s, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] y, int yOff) {
        int m = s.m(), n = s.n(), k = s.k();
        if (m == 0 || n == 0) return;
        int lda = s.transA() ? m : k, ldb = s.transB() ? k : n;
        float beta = 0f;
        Epilogue ep = Epilogue.NONE;
        if (s.hasC() && s.beta() != 0f) {
            Objects.requireNonNull(c, "Gemm shape has C but c is null");
            if (s.beta() == 1f && s.cRows() == 1 && s.cCols() == n && n > 1) {
                ep = ep.withBiasPerColumn(c, cOff);
            } else if (s.beta() == 1f && s.cCols() == 1 && s.cRows() == m && m > 1) {
                ep = ep.withBiasPerRow(c, cOff);
            } else {
                // General broadcast C: copy it into Y and let the kernels apply beta in their stores.
                if ((long) yOff + (long) m * n > y.length) throw new IllegalArgumentException("Gemm Y overruns its array");
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        y[yOff + i * n + j] = c[cOff + (s.cRows() == 1 ? 0 : i) * s.cCols() + (s.cCols() == 1 ? 0 : j)];
                    }
                }
                beta = s.beta();
            }
        }
        gemm(m, n, k, a, aOff, lda, s.transA(), b, bOff, ldb, s.transB(), s.alpha(), y, yOff, n, beta, ep, parallel);
    }

    /** ONNX MatMul (batched, broadcast, 1-D promotion) on this instance's threads, no epilogue. */
    @Override
    public void matmul(MatMulShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        matmul(s, a, aOff, b, bOff, y, yOff, Epilogue.NONE, parallel);
    }

    /**
     * ONNX MatMul {@code Y[b] = epilogue(A[b]·B[b])} over dense arrays laid out as {@link MatMulShape} says.
     * The epilogue sees Y as one {@code (batchCount·M) × N} matrix (its row index runs across the batch).
     * When B has no batch (a weight), the whole batch is one GEMM with M·batch rows; otherwise each item
     * packs its own B, and items are spread over the threads when each is small.
     */
    public static void matmul(MatMulShape s, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff,
                              Epilogue epilogue, Parallel parallel) {
        Objects.requireNonNull(epilogue, "epilogue");
        Objects.requireNonNull(parallel, "parallel");
        int m = s.m(), n = s.n(), k = s.k(), batch = s.batchCount();
        if (batch == 0 || m == 0 || n == 0) return;
        checkMatrix("gemm", "Y", y, yOff, n, batch * m, n);
        epilogue.check(batch * m, n);
        if (bShared(s) && aDense(s)) {
            checkMatrix("gemm", "A", a, aOff, k, batch * m, k);
            gemm(batch * m, n, k, a, aOff, k, false, b, bOff, n, false, 1f, y, yOff, n, 0f, epilogue, parallel);
            return;
        }
        long macsPerItem = (long) m * n * k;
        int shares = parallel.sharesFor(macsPerItem * batch, MIN_MACS_PER_SHARE);
        if (shares > 1 && macsPerItem < MIN_MACS_PER_SHARE * parallel.threads()) {
            // Many small products (attention heads): one item per task, each single-threaded.
            parallel.forRange(batch, 1, shares, (b0, b1) -> {
                for (int i = b0; i < b1; i++) matmulItem(s, i, a, aOff, b, bOff, y, yOff, epilogue, Parallel.callerOnly());
            });
        } else {
            for (int i = 0; i < batch; i++) matmulItem(s, i, a, aOff, b, bOff, y, yOff, epilogue, parallel);
        }
    }

    /**
     * ONNX MatMul whose B is a pre-packed weight (B of dims [K, N], no batch): the batch of A is
     * folded into M and the product is one GEMM.
     */
    public static void matmul(MatMulShape s, float[] a, int aOff, PackedB b, float[] y, int yOff,
                              Epilogue epilogue, Parallel parallel) {
        if (!bShared(s)) throw new IllegalArgumentException("matmul: packed B needs B without batch dims, got " + s);
        int rows = s.batchCount() * s.m();
        if (rows == 0 || s.n() == 0) return;
        if (!aDense(s)) throw new IllegalArgumentException("matmul: A is broadcast over the batch, expand it first: " + s);
        gemm(rows, s.n(), s.k(), a, aOff, s.k(), false, 1f, b, y, yOff, s.n(), 0f, epilogue, parallel);
    }

    private static void matmulItem(MatMulShape s, int item, float[] a, int aOff, float[] b, int bOff,
                                   float[] y, int yOff, Epilogue ep, Parallel par) {
        int m = s.m(), n = s.n(), k = s.k();
        gemm(m, n, k, a, aOff + s.aMatrixOffset(item), k, false, b, bOff + s.bMatrixOffset(item), n, false, 1f,
                y, yOff + item * m * n, n, 0f, ep.shiftRows(item * m), par);
    }

    /** B is the same matrix for every item (no batch dims, or all of size 1). */
    private static boolean bShared(MatMulShape s) {
        for (int d : s.bBatch()) if (d != 1) return false;
        return true;
    }

    /** A holds one matrix per item, in item order (its batch dims are the output's). */
    private static boolean aDense(MatMulShape s) {
        int[] ab = s.aBatch(), out = s.batchDims();
        int shift = out.length - ab.length;
        for (int i = 0; i < out.length; i++) {
            int d = i < shift ? 1 : ab[i - shift];
            if (d != out[i]) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Paths

    /** K = 0: C = beta·C (0 when beta = 0), then the epilogue. */
    private static void scaleOnly(int m, int n, float[] c, int cOff, int ldc, float beta, Epilogue ep) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = cOff + i * ldc + j;
                float v = beta == 0f ? 0f : beta * c[o];
                c[o] = ep.apply(v, i, j);
            }
        }
    }

    /**
     * M ≤ {@link #FEW_ROWS_MAX_M}: A rows read in place (no packing), each pair of B panels streamed
     * once over all of K, threads split over panel pairs.
     */
    private static void gemvPath(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                 PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep, Parallel par, long macs) {
        int panels = b.panels();
        // Pairs of panels are the unit of every kernel here; keep shares on pair boundaries.
        int shares = par.sharesFor(macs, MIN_MACS_PER_SHARE);
        par.forRange(panels, 2, shares, (p0, p1) -> gemvPanels(m, n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, ep, p0, p1));
    }

    /**
     * Panels [p0, p1) for all M rows. M = 1 runs {@link Gemv1x4v} on pairs of panels. On 512-bit
     * vectors, 5 or 6 rows are one {@link Gemm6x4v} block and other row counts blocks of 4
     * ({@link Gemm4x4v}), both over a pair of panels; the row blocks of one pair run back to back, so
     * the pair comes from memory once and from L2 for the next block. Narrower vectors take
     * {@link Gemm4x2v} per panel (M ≤ 4 there).
     */
    private static void gemvPanels(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                   PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep, int p0, int p1) {
        float[] bd = b.data();
        int rowStep = transA ? 1 : lda, ks = transA ? lda : 1;
        float[] tile = Scratch.get().tile;
        int last = b.panels() - 1;
        if (m == 1) {
            int p = p0;
            for (; p + 1 < p1; p += 2) {
                int j0 = p * NR;
                tile(GEMV1, k, a, aOff, 0, 0, 0, 0, 0, ks, bd, b.offset(p, 0), b.offset(p + 1, 0),
                        c, cOff + j0, ldc, 1, Math.min(2 * NR, n - j0), alpha, beta, true, tile);
                ep.applyTile(c, cOff + j0, ldc, 1, Math.min(2 * NR, n - j0), 0, j0);
            }
            if (p < p1) tail4(n, k, a, aOff, aOff, aOff, aOff, ks, alpha, bd, b, c, cOff, ldc, beta, ep, 1, 0, p, tile);
        } else if (WIDE) {
            int block = m == 5 || m == 6 ? Gemm6x4v.MR : Gemm4x4v.MR;
            int kind = block == Gemm4x4v.MR ? FEW4 : IN_PLACE6;
            for (int jp = p0; jp < p1; jp += 2) {
                int j0 = jp * NR, cols = Math.min(Math.min(2, p1 - jp) * NR, n - j0);
                int bo0 = b.offset(jp, 0), bo1 = b.offset(Math.min(jp + 1, last), 0);
                for (int i = 0; i < m; i += block) {
                    int rows = Math.min(block, m - i);
                    // Rows past the block repeat its last row: computed into the scratch tile, never stored.
                    int r0 = aOff + i * rowStep, rl = rows - 1;
                    int r1 = r0 + Math.min(1, rl) * rowStep, r2 = r0 + Math.min(2, rl) * rowStep, r3 = r0 + Math.min(3, rl) * rowStep;
                    int r4 = r0 + Math.min(4, rl) * rowStep, r5 = r0 + Math.min(5, rl) * rowStep;
                    int co = cOff + i * ldc + j0;
                    tile(kind, k, a, r0, r1, r2, r3, r4, r5, ks, bd, bo0, bo1, c, co, ldc, rows, cols, alpha, beta, true, tile);
                    ep.applyTile(c, co, ldc, rows, cols, i, j0);
                }
            }
        } else {
            int a1 = aOff + Math.min(1, m - 1) * rowStep, a2 = aOff + Math.min(2, m - 1) * rowStep, a3 = aOff + Math.min(3, m - 1) * rowStep;
            for (int p = p0; p < p1; p++) tail4(n, k, a, aOff, a1, a2, a3, ks, alpha, bd, b, c, cOff, ldc, beta, ep, m, 0, p, tile);
        }
    }

    /** Up to 4 rows (A rows at a0..a3, rows past {@code rows} repeating a valid one) × one panel p, with {@link Gemm4x2v}. */
    private static void tail4(int n, int k, float[] a, int a0, int a1, int a2, int a3, int ks, float alpha, float[] bd, PackedB b,
                              float[] c, int cOff, int ldc, float beta, Epilogue ep, int rows, int row, int p, float[] tile) {
        int j0 = p * NR, cols = Math.min(NR, n - j0), co = cOff + row * ldc + j0;
        tile(TAIL4, k, a, a0, a1, a2, a3, 0, 0, ks, bd, b.offset(p, 0), 0, c, co, ldc, rows, cols, alpha, beta, true, tile);
        ep.applyTile(c, co, ldc, rows, cols, row, j0);
    }

    /** M > 4: the blocked GEMM over a 2-D grid of (MR-row tiles × panels), one block per share. */
    private static void blockedPath(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                    PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep, Parallel par, long macs) {
        int shares = par.sharesFor(macs, MIN_MACS_PER_SHARE);
        if (inPlaceA(n, k)) {
            par.forTiles(m, Gemm6x4v.MR, b.panels(), 2, shares, (i0, i1, p0, p1) ->
                    inPlace(n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, ep, i0, i1, p0, p1));
        } else if (shares > 1 && m <= MC_SINGLE && b.panels() >= shares && (long) packedRows(m) * k <= SHARED_A_MAX_FLOATS) {
            sharedA(m, n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, ep, par, shares);
        } else {
            blockedTiles(m, n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, ep, par, shares);
        }
    }

    /**
     * The blocked path over a grid of pr × pc shares (MR-row tiles × B panels). Each share packs the A
     * rows of its own tiles, so splitting N makes every thread pack the same rows again (at 2 threads on
     * 512³ each packed all of A), while splitting M costs no extra B traffic (every m-block streams its
     * B panels either way). The grid minimises the largest share's rows × (columns + {@link #PACK_COST_COLUMNS}).
     */
    private static void blockedTiles(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                     PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep, Parallel par, int shares) {
        int rowGrains = (m + MR - 1) / MR, panels = b.panels();
        int bestR = 1, bestC = 1;
        long bestCost = Long.MAX_VALUE;
        for (int pr = 1; pr <= Math.min(shares, rowGrains); pr++) {
            int pc = Math.max(1, Math.min(shares / pr, panels));
            long rows = (long) ((rowGrains + pr - 1) / pr) * MR, cols = (long) ((panels + pc - 1) / pc) * NR;
            long cost = rows * (cols + PACK_COST_COLUMNS);
            if (cost < bestCost || (cost == bestCost && pr * pc > bestR * bestC)) {
                bestCost = cost;
                bestR = pr;
                bestC = pc;
            }
        }
        int pr = bestR, pc = bestC;
        par.forRange(pr * pc, 1, pr * pc, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                int r = s / pc, q = s % pc;
                int i0 = Math.min(m, (int) ((long) rowGrains * r / pr) * MR), i1 = Math.min(m, (int) ((long) rowGrains * (r + 1) / pr) * MR);
                int p0 = (int) ((long) panels * q / pc), p1 = (int) ((long) panels * (q + 1) / pc);
                if (i0 < i1 && p0 < p1) blocked(n, k, a, aOff, lda, transA, alpha, b, c, cOff, ldc, beta, ep, i0, i1, p0, p1);
            }
        });
    }

    /**
     * Few rows (M ≤ {@link #MC_SINGLE}, a transformer's sequence) on several threads: the threads split
     * N, and every one of them needs all of A. Rather than each packing all of A (at 2 threads ~6 % of
     * a thread's time for 128×768×768, at 8 threads more than the product), A is packed once, all of
     * K, into the caller's buffer, each panel by the first thread that reaches it ({@link SharedPackedA}),
     * and read by all of them: one dispatch per product.
     */
    private static void sharedA(int m, int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep, Parallel par, int shares) {
        SharedPackedA sa = new SharedPackedA(a, aOff, lda, transA, m, k, kBlock(k), Scratch.get().sharedA((long) packedRows(m) * k));
        par.forRange(b.panels(), 1, shares, (p0, p1) -> blockedShared(n, k, alpha, b, c, cOff, ldc, beta, ep, p0, p1, sa));
    }

    /**
     * Panels [p0, p1) of C for all M rows with A from {@code sa}: the loop order of {@link #blocked}
     * (nc → kc → panels → row panels) for one m-block, the row panels visited from a share-dependent start.
     */
    private static void blockedShared(int n, int k, float alpha, PackedB b, float[] c, int cOff, int ldc, float beta,
                                      Epilogue ep, int p0, int p1, SharedPackedA sa) {
        float[] tile = Scratch.get().tile, bd = b.data(), ap = sa.data;
        int m = sa.m, full = fullPanels(m);
        for (int jc = p0; jc < p1; jc += NC_PANELS) {
            int jcEnd = Math.min(p1, jc + NC_PANELS);
            for (int pc = 0; pc < k; pc += sa.kcMax) {
                int kc = Math.min(sa.kcMax, k - pc);
                boolean first = pc == 0, last = pc + kc == k;
                for (int jp = jc; jp < jcEnd; jp++) {
                    int j0 = jp * NR, cols = Math.min(NR, n - j0);
                    int bo = b.offset(jp, pc);
                    long deferred = 0;   // row panels another thread was packing when this one came by
                    for (int q = 0; q < sa.panels; q++) {
                        int u = sa.panelAt(q, p0, b.panels()), po = sa.tryPanel(pc, u);
                        if (po < 0 && q >= Long.SIZE) po = sa.panel(pc, u);   // only with mcSingle tuned past 64 panels
                        if (po < 0) deferred |= 1L << q;
                        else sharedTile(kc, alpha, ap, po, u, full, m, sa, bd, bo, c, cOff, ldc, beta, first, last, ep, j0, cols, tile);
                    }
                    for (int q = 0; deferred != 0; q++, deferred >>>= 1) {
                        if ((deferred & 1) == 0) continue;
                        int u = sa.panelAt(q, p0, b.panels());
                        sharedTile(kc, alpha, ap, sa.panel(pc, u), u, full, m, sa, bd, bo, c, cOff, ldc, beta, first, last, ep, j0, cols, tile);
                    }
                }
            }
        }
    }

    /** One tile of {@link #blockedShared}: row panel u (A at {@code po}) × the B panel at {@code bo}, epilogue after the last k-block. */
    private static void sharedTile(int kc, float alpha, float[] ap, int po, int u, int full, int m, SharedPackedA sa,
                                   float[] bd, int bo, float[] c, int cOff, int ldc, float beta, boolean first, boolean last,
                                   Epilogue ep, int j0, int cols, float[] tile) {
        int row = sa.row(u), w = sa.width(u), rows = Math.min(w, m - row), co = cOff + row * ldc + j0;
        float[] bias = first && last ? ep.columnBias() : null;
        int ldr = ep.residualLd();
        boolean added = tile(u < full ? MAIN : w == MR_TAIL ? TAIL4 : TAIL8, kc, ap, po, po + 1, po + 2, po + 3, 0, 0, MR_TAIL, bd, bo, 0,
                c, co, ldc, rows, cols, alpha, beta, first, tile, bias, ep.columnBiasOffset() + j0,
                ep.kernelResidual(), ep.residualOffset() + row * ldr + j0, ldr);
        if (last) ep.applyTile(c, co, ldc, rows, cols, row, j0, added);
    }

    /** Rows of an m-block as {@link #packA} lays it out, padding of the last panel included. */
    static int packedRows(int mc) {
        int r = fullPanels(mc) * MR;
        while (r < mc) r += tailWidth(mc - r);
        return r;
    }

    /**
     * MR-row panels of an m-block of mc rows: mc / MR, but on 512-bit vectors one fewer when 1 to 4
     * rows would be left, so that two 8-row panels take the last 13 to 16 rows ({@link Gemm8x2v}
     * runs near the 12-row kernel's speed, {@link Gemm4x2v} at ~2/3 of it).
     */
    static int fullPanels(int mc) {
        int full = mc / MR, tail = mc - full * MR;
        return WIDE && full > 0 && tail > 0 && tail <= MR_TAIL ? full - 1 : full;
    }

    /** Width (interleave) of the remainder panel that starts with {@code left} rows to go: 8 on 512-bit vectors when more than 4 are left, else 4. */
    static int tailWidth(int left) {
        return WIDE && left > MR_TAIL ? Gemm8x2v.MR : MR_TAIL;
    }

    /**
     * Whether to read A in place ({@link Gemm6x4v}) instead of packing it: when N is small, packing A
     * costs about as much as the product (one copy per element of A against N/L vector FMAs), and
     * when all of packed B fits comfortably in L2, so that no k-blocking is needed to keep it close.
     */
    static boolean inPlaceA(int n, int k) {
        return WIDE && n <= IN_PLACE_MAX_N && (long) k * roundUp(n, NR) * Float.BYTES <= IN_PLACE_MAX_B_BYTES;
    }

    /**
     * Rows [i0, i1) × panels [p0, p1) with A read in place: for each 6-row block (its A rows stay in
     * L1), every pair of B panels over all of K (B stays in L2). Every C element is one FMA chain
     * over all of K.
     */
    private static void inPlace(int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep,
                                int i0, int i1, int p0, int p1) {
        int rs = transA ? 1 : lda, ks = transA ? lda : 1;
        float[] tile = Scratch.get().tile;
        float[] bd = b.data();
        int last = b.panels() - 1;
        for (int i = i0; i < i1; i += Gemm6x4v.MR) {
            int rows = Math.min(Gemm6x4v.MR, i1 - i);
            // Rows past the block repeat its last row: computed into the scratch tile, never stored.
            int r0 = aOff + i * rs;
            int r1 = r0 + Math.min(1, rows - 1) * rs, r2 = r0 + Math.min(2, rows - 1) * rs;
            int r3 = r0 + Math.min(3, rows - 1) * rs, r4 = r0 + Math.min(4, rows - 1) * rs, r5 = r0 + Math.min(5, rows - 1) * rs;
            for (int jp = p0; jp < p1; jp += 2) {
                int j0 = jp * NR, cols = Math.min(Math.min(2, p1 - jp) * NR, n - j0);
                int co = cOff + i * ldc + j0;
                tile(IN_PLACE6, k, a, r0, r1, r2, r3, r4, r5, ks, bd, b.offset(jp, 0), b.offset(Math.min(jp + 1, last), 0),
                        c, co, ldc, rows, cols, alpha, beta, true, tile);
                ep.applyTile(c, co, ldc, rows, cols, i, j0);
            }
        }
    }

    /**
     * Rows [i0, i1) × panels [p0, p1) of C, in BLIS loop order, each m-block of A packed by this thread.
     */
    private static void blocked(int n, int k, float[] a, int aOff, int lda, boolean transA, float alpha,
                                PackedB b, float[] c, int cOff, int ldc, float beta, Epilogue ep,
                                int i0, int i1, int p0, int p1) {
        Scratch s = Scratch.get();
        int kcMax = kBlock(k);
        int mcMax = i1 - i0 <= MC_SINGLE ? roundUp(i1 - i0, MR) : MC;
        float[] ap = s.aPanel(mcMax, kcMax);
        float[] tile = s.tile;
        float[] bd = b.data();
        int touched = 0;
        float[] bias = ep.columnBias(), res = ep.kernelResidual();
        int biasOff = ep.columnBiasOffset(), resOff = ep.residualOffset(), ldr = ep.residualLd();
        for (int jc = p0; jc < p1; jc += NC_PANELS) {
            int jcEnd = Math.min(p1, jc + NC_PANELS);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean first = pc == 0, last = pc + kc == k;
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    int full = fullPanels(mc);
                    packA(a, aOff, lda, transA, ic, mc, pc, kc, ap);
                    for (int jp = jc; jp < jcEnd; jp++) {
                        int j0 = jp * NR, cols = Math.min(NR, n - j0);
                        int bo = b.offset(jp, pc);
                        // the next panel's k-block, one load per page, while these tiles compute (ResNet-50's Winograd 3x3s at 7²: 1 MB
                        // of B per product, two tiles per panel: -12 % with B from memory)
                        if (jp + 1 < jcEnd) {
                            int next = b.offset(jp + 1, pc);
                            touched += ReadAhead.pages(bd, next, next + kc * NR);
                        }
                        // Full and remainder panels through one call site of the kernels and one of the
                        // epilogue: two sites made blocked() so large that C2 stopped inlining at its node
                        // cutoff inside GELU's polynomial, and boxed every vector of it (MiniLM, 1 thread).
                        for (int r = 0, w; r < mc; r += w) {
                            boolean main = r < full * MR;
                            w = main ? MR : tailWidth(mc - r);
                            int rows = Math.min(w, mc - r), row = ic + r, co = cOff + row * ldc + j0;
                            int po = r * kc;  // the panel starting at row r; a remainder panel has interleave w
                            boolean added = tile(main ? MAIN : w == MR_TAIL ? TAIL4 : TAIL8, kc, ap, po, po + 1, po + 2, po + 3, 0, 0, MR_TAIL,
                                    bd, bo, 0, c, co, ldc, rows, cols, alpha, beta, first, tile, first && last ? bias : null, biasOff + j0,
                                    res, resOff + row * ldr + j0, ldr);
                            if (last) ep.applyTile(c, co, ldc, rows, cols, row, j0, added);
                        }
                    }
                }
            }
        }
        ReadAhead.keep(touched);
    }

    /** The k-block length for a product of depth k: all of it up to KC_SINGLE, else equal blocks of at most KC. */
    static int kBlock(int k) {
        if (k <= KC_SINGLE) return k;
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /** Micro-kernel kinds for {@link #tile}. */
    private static final int MAIN = 0, TAIL4 = 1, GEMV1 = 2, IN_PLACE6 = 3, FEW4 = 4, TAIL8 = 5;

    /**
     * One micro-kernel tile of C, {@code rows × cols} valid elements at {@code c[co ..]}. A full tile of
     * the first k-block with alpha = 1 and beta = 0 is stored by the kernel straight into C; every other
     * tile (edges, alpha, beta, later k-blocks, which add to C) goes through the scratch tile and
     * {@link Tiles#merge}. {@code firstK} is true for the first k-block, whose beta is the caller's.
     */
    private static void tile(int kind, int kc, float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int ks,
                             float[] b, int b0, int b1, float[] c, int co, int ldc, int rows, int cols,
                             float alpha, float beta, boolean firstK, float[] t) {
        tile(kind, kc, a, a0, a1, a2, a3, a4, a5, ks, b, b0, b1, c, co, ldc, rows, cols, alpha, beta, firstK, t, null, 0, null, 0, 0);
    }

    /**
     * {@link #tile}, and when {@code bias} is not null and the tile is a full {@link #MAIN} or {@link #TAIL8} tile stored
     * straight into C, {@code bias[biasOff + j]} added to its column j in registers before the store, then (when
     * {@code res} is not null) {@code res[resOff + r·ldr + j]} to its element (r, j). The caller passes them
     * only when this is the product's one k-block, so the sums are final. Returns whether they were added; when not,
     * the epilogue adds them as before.
     */
    private static boolean tile(int kind, int kc, float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int ks,
                                float[] b, int b0, int b1, float[] c, int co, int ldc, int rows, int cols,
                                float alpha, float beta, boolean firstK, float[] t,
                                float[] bias, int biasOff, float[] res, int resOff, int ldr) {
        int tr = kind == MAIN ? MR : kind == TAIL4 || kind == FEW4 ? MR_TAIL : kind == IN_PLACE6 ? Gemm6x4v.MR : kind == TAIL8 ? Gemm8x2v.MR : 1;
        int tc = kind == MAIN || kind == TAIL4 || kind == TAIL8 ? NR : 2 * NR;
        if (firstK && alpha == 1f && beta == 0f && rows == tr && cols == tc) {
            if (bias != null && (kind == MAIN || kind == TAIL8)) {
                runPlusEpilogueAdds(kind, kc, a, a0, b, b0, bias, biasOff, res, resOff, ldr, c, co, ldc);
                return true;
            }
            run(kind, kc, a, a0, a1, a2, a3, a4, a5, ks, b, b0, b1, c, co, ldc);
        } else {
            run(kind, kc, a, a0, a1, a2, a3, a4, a5, ks, b, b0, b1, t, 0, tc);
            Tiles.merge(t, tc, rows, cols, c, co, ldc, alpha, firstK ? beta : 1f);
        }
        return false;
    }

    /** The {@link #MAIN} or {@link #TAIL8} kernel with a column bias, and a residual when {@code res} is not null, added in registers. */
    private static void runPlusEpilogueAdds(int kind, int kc, float[] a, int a0, float[] b, int b0, float[] bias, int biasOff,
                                            float[] res, int resOff, int ldr, float[] c, int co, int ldc) {
        if (kind == TAIL8) Gemm8x2v.kernelPlusEpilogueAdds(kc, a, a0, b, b0, bias, biasOff, res, resOff, ldr, c, co, ldc);
        else if (WIDE) Gemm12x2v.kernelPlusEpilogueAdds(kc, a, a0, b, b0, bias, biasOff, res, resOff, ldr, c, co, ldc);
        else Gemm6x2v.kernelPlusEpilogueAdds(kc, a, a0, b, b0, bias, biasOff, res, resOff, ldr, c, co, ldc);
    }

    private static void run(int kind, int kc, float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int ks,
                            float[] b, int b0, int b1, float[] c, int co, int ldc) {
        switch (kind) {
            case MAIN -> {
                if (WIDE) Gemm12x2v.kernel(kc, a, a0, b, b0, c, co, ldc);
                else Gemm6x2v.kernel(kc, a, a0, b, b0, c, co, ldc);
            }
            case TAIL4 -> Gemm4x2v.kernel(kc, a, a0, a1, a2, a3, ks, b, b0, c, co, ldc);
            case TAIL8 -> Gemm8x2v.kernel(kc, a, a0, b, b0, c, co, ldc);
            case IN_PLACE6 -> Gemm6x4v.kernel(kc, a, a0, a1, a2, a3, a4, a5, ks, b, b0, b1, c, co, ldc);
            case FEW4 -> Gemm4x4v.kernel(kc, a, a0, a1, a2, a3, ks, b, b0, b1, c, co, ldc);
            default -> Gemv1x4v.kernel(kc, a, a0, ks, b, b0, b1, c, co);
        }
    }

    /**
     * Packs rows [i0, i0+mc) × k-range [p0, p0+kc) of op(A) into {@link #fullPanels} MR-row panels,
     * then remainder panels of {@link #tailWidth} rows (8 or 4); rows past mc within the last panel are zero.
     *
     * <pre>
     *  full panel t (rows i0+t·MR ..):     p=0: a0 a1 .. a(MR-1) | p=1: a0 a1 .. | ... kc times
     *  remainder panel (w rows, interleave w): p=0: a0 .. a(w-1)  | p=1: ...
     *  a panel starting at row r (of the block) is at r·kc
     *  e.g. 512 bits, MR = 12: 128 rows = 10 × 12 + 8;  16 rows = 8 + 8;  23 rows = 12 + 8 + 4 (3 used)
     * </pre>
     */
    static void packA(float[] a, int aOff, int lda, boolean transA, int i0, int mc, int p0, int kc, float[] dst) {
        int full = fullPanels(mc);
        for (int t = 0; t < full; t++) packRows(a, aOff, lda, transA, i0 + t * MR, MR, MR, p0, kc, dst, t * MR * kc);
        for (int r = full * MR, w; r < mc; r += w) {
            w = tailWidth(mc - r);
            packRows(a, aOff, lda, transA, i0 + r, Math.min(w, mc - r), w, p0, kc, dst, r * kc);
        }
    }

    static void packRows(float[] a, int aOff, int lda, boolean transA, int row0, int rows, int width,
                                 int p0, int kc, float[] dst, int o) {
        if (!transA) {
            for (int r = 0; r < rows; r++) {
                int src = aOff + (row0 + r) * lda + p0;
                for (int p = 0; p < kc; p++) dst[o + p * width + r] = a[src + p];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(a, aOff + (p0 + p) * lda + row0, dst, o + p * width, rows);
            }
        }
        for (int r = rows; r < width; r++) {
            for (int p = 0; p < kc; p++) dst[o + p * width + r] = 0f;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Checks

    static void checkDims(String op, int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": dimensions must be ≥ 0, got M=" + m + " N=" + n + " K=" + k);
        }
    }

    /** A rows×cols matrix at {@code x[off + r·ld + c]} must fit its array. */
    static void checkMatrix(String op, String what, float[] x, int off, int ld, int rows, int cols) {
        Objects.requireNonNull(x, what);
        if (rows == 0 || cols == 0) return;
        if (off < 0) throw new IllegalArgumentException(op + ": " + what + " offset must be ≥ 0, got " + off);
        if (ld < cols) throw new IllegalArgumentException(op + ": " + what + " leading dimension " + ld + " is less than its row length " + cols);
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > x.length) {
            throw new IllegalArgumentException(op + ": " + what + " " + rows + "×" + cols + " (ld " + ld + ") from offset " + off
                    + " overruns its array of " + x.length);
        }
    }

    private static int tuning(String name, int dflt) {
        return Integer.getInteger("lanes.gemm." + name, dflt);
    }

    private static int roundUp(int x, int to) {
        return Math.max(to, (x + to - 1) / to * to);
    }

    /** Per-thread buffers: the packed A block, an edge tile, a packed-B buffer for unpacked calls. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        final float[] tile = new float[Math.max(MR, MR_TAIL) * 2 * NR];
        private float[] a = new float[0];
        private float[] shared = new float[0];
        private float[] b = new float[0];
        private boolean bInUse;

        static Scratch get() {
            return LOCAL.get();
        }

        /** All of a few-row A, packed once per call by the caller and read by every thread of the call. */
        float[] sharedA(long floats) {
            if (floats > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("gemm: packed A of " + floats + " floats is too large");
            if (shared.length < floats) shared = new float[(int) floats];
            return shared;
        }

        float[] aPanel(int mc, int kc) {
            int need = (mc + MR_TAIL) * kc;
            if (a.length < need) a = new float[need];
            return a;
        }

        /** A packed-B buffer for one call; a fresh array when this thread's is already lent out. */
        PackedB borrowB(int k, int n, int nr) {
            long need = (long) ((n + nr - 1) / nr) * k * nr;
            if (need > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("gemm: B of K=" + k + ", N=" + n + " is too large to pack");
            if (bInUse) return new PackedB(k, n, nr, new float[(int) need]);
            if (b.length < need) b = new float[(int) need];
            bInUse = true;
            return new PackedB(k, n, nr, b);
        }

        void returnB(PackedB p) {
            if (p.data() == b) bInUse = false;
        }
    }
}
