package dev.lanes.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one threading runtime of Lanes: splits independent work over a dedicated {@link ForkJoinPool}
 * (never the common pool, which belongs to the application).
 *
 * <p>A {@code Parallel} with {@code t} threads owns {@code t - 1} pool workers; the calling thread
 * always runs one share itself, so {@link #callerOnly()} (t = 1) never touches a pool. Work is cut
 * into at most {@code t} contiguous shares, each a whole number of {@code grain}s; when there is
 * less than two grains of work it runs inline on the caller. Nested calls from inside a share run
 * inline as well (no oversubscription, no deadlock).
 *
 * <p>Shares are <em>claimed</em>, not assigned: the caller publishes a {@link Batch}, runs share 0,
 * then claims further shares itself until none is left, while pool workers claim what they reach
 * first. Waking a parked worker costs tens of microseconds on a VM, so a worker that has finished
 * keeps spinning for {@link #SPIN_NANOS} before it gives its thread back to the pool: the next call
 * (the next node of a model, a few microseconds later) finds it awake. A call never waits for a
 * worker to <em>start</em> — a slow worker only means the caller does more shares itself — it only
 * waits for shares already in progress. {@link #forRangeBalanced} also balances while it runs: a thread that is done
 * takes pieces from the back of another's share.
 *
 * <p>Determinism: callers partition over <em>independent outputs</em> only (rows, columns, tiles,
 * channels), never over a reduction, so every output element is computed by the same code in the
 * same order whatever the thread count — results are bit-identical for 1, 2, 3… threads.
 *
 * <p>Thread count: {@link #shared()} uses {@code -Dlanes.threads=N} when set, else
 * {@link Runtime#availableProcessors()}. A session that is itself called from many threads does
 * best with {@link #callerOnly()} (one intra-op thread per call).
 */
public final class Parallel implements AutoCloseable {

    /** Body of a 1-D loop: handles items {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Body of a 2-D loop: handles the tile rows {@code [rowFrom, rowTo)} × columns {@code [colFrom, colTo)}. */
    @FunctionalInterface
    public interface Tile {
        void run(int rowFrom, int rowTo, int colFrom, int colTo);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Parallel CALLER_ONLY = new Parallel(1, false);

    /** How long a worker keeps looking for the next batch before it parks (see the class comment). */
    static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final ForkJoinPool pool;   // null when threads == 1
    private final boolean closable;
    /** The batch workers help with; replaced by each call (concurrent callers each finish their own). */
    private volatile Batch current;
    /** Worker loops alive (spinning or working), at most {@code threads - 1}. */
    private final AtomicInteger loops = new AtomicInteger();
    private volatile boolean closed;

    private Parallel(int threads, boolean closable) {
        this.threads = threads;
        this.closable = closable;
        if (threads == 1) {
            this.pool = null;
        } else {
            int id = POOLS.incrementAndGet();
            AtomicInteger workers = new AtomicInteger();
            ForkJoinPool.ForkJoinWorkerThreadFactory factory = p -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                t.setName("lanes-" + id + "-worker-" + workers.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.pool = new ForkJoinPool(threads - 1, factory, null, false);
        }
    }

    /** A runtime with its own pool of {@code threads - 1} workers (the caller is the last thread). Close it when done. */
    public static Parallel create(int threads) {
        if (threads < 1) throw new IllegalArgumentException("Parallel threads must be ≥ 1, got " + threads);
        return threads == 1 ? CALLER_ONLY : new Parallel(threads, true);
    }

    /** Runs everything on the calling thread. */
    public static Parallel callerOnly() {
        return CALLER_ONLY;
    }

    /** The process-wide runtime: {@code -Dlanes.threads} or the number of available processors. Never closed. */
    public static Parallel shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final Parallel INSTANCE = make();

        private static Parallel make() {
            String s = System.getProperty("lanes.threads");
            int n = Runtime.getRuntime().availableProcessors();
            if (s != null && !s.isBlank()) {
                try {
                    n = Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("lanes.threads must be a positive integer, got '" + s + "'");
                }
                if (n < 1) throw new IllegalArgumentException("lanes.threads must be ≥ 1, got " + n);
            }
            return n == 1 ? CALLER_ONLY : new Parallel(n, false);
        }
    }

    /** Threads that may work at once, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * How many shares to cut {@code work} units of work into when a share should hold at least
     * {@code minWorkPerShare} units: between 1 and {@link #threads()}.
     */
    public int sharesFor(long work, long minWorkPerShare) {
        if (threads == 1 || work < 2 * Math.max(1, minWorkPerShare)) return 1;
        return (int) Math.min(threads, work / Math.max(1, minWorkPerShare));
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into at most {@link #threads()} contiguous shares,
     * each a multiple of {@code grain} items (except the last); less than two grains runs inline.
     */
    public void forRange(int n, int grain, Range body) {
        forRange(n, grain, threads, body);
    }

    /** As {@link #forRange(int, int, Range)} with at most {@code maxShares} shares (e.g. from {@link #sharesFor}). */
    public void forRange(int n, int grain, int maxShares, Range body) {
        int shares = rangeShares("forRange", n, grain, maxShares);
        if (ranInline(shares, n, body)) return;
        int grains = (n + grain - 1) / grain;
        run(shares, s -> body.run(bound(s, shares, grains, grain, n), bound(s + 1, shares, grains, grain, n)));
    }

    /**
     * Shares for {@code n} items cut on multiples of {@code grain}, at most {@code maxShares}: 0 for no items, 1 (run
     * inline) for less than two grains or inside this pool's own worker.
     */
    private int rangeShares(String method, int n, int grain, int maxShares) {
        if (n < 0) throw new IllegalArgumentException("Parallel." + method + " n must be ≥ 0, got " + n);
        if (grain < 1) throw new IllegalArgumentException("Parallel." + method + " grain must be ≥ 1, got " + grain);
        if (n == 0) return 0;
        if (inOwnWorker()) return 1;
        return Math.min(Math.min(threads, Math.max(1, maxShares)), Math.max(1, n / grain));
    }

    /** Runs {@code [0, n)} on the caller when there is at most one share (nothing for none); false when there are more. */
    private static boolean ranInline(int shares, int n, Range body) {
        if (shares > 1) return false;
        if (shares == 1) body.run(0, n);
        return true;
    }

    /** As {@link #forRangeBalanced(int, int, int, int, Range)} with up to {@link #threads()} shares. */
    public void forRangeBalanced(int n, int grain, int maxPiece, Range body) {
        forRangeBalanced(n, grain, maxPiece, threads, body);
    }

    /**
     * As {@link #forRange(int, int, int, Range)}, balanced while it runs: each share is cut into even pieces of at most
     * {@code maxPiece} items (on grain boundaries), its owner takes them one at a time from its front, and a thread whose
     * share is done takes pieces from the back of the others'. {@code body} sees one call per piece, so a piece should
     * be the smallest range that costs no more per item than a whole share does (a kernel's block of tiles, one GEMM of a
     * set).
     *
     * <p>Why: the threads of a VM share their cores with the host, which now and then slows one of them for a few
     * milliseconds; with fixed shares a node then takes as long as the slower one, while here the other thread takes over
     * its last pieces (ResNet-50 at 2 threads: in the slow runs the caller's shares summed 3–9 ms more than the worker's).
     * Each thread still works through one contiguous range, so what a share reads stays on one core unless it is taken.
     */
    public void forRangeBalanced(int n, int grain, int maxPiece, int maxShares, Range body) {
        if (maxPiece < 1) throw new IllegalArgumentException("Parallel.forRangeBalanced maxPiece must be ≥ 1, got " + maxPiece);
        int shares = rangeShares("forRangeBalanced", n, grain, maxShares);
        if (ranInline(shares, n, body)) return;
        long perShare = ((long) n + shares - 1) / shares;
        int grains = (n + grain - 1) / grain;
        int piecesPerShare = (int) Math.max(1, Math.min(grains / shares, (perShare + maxPiece - 1) / maxPiece));
        PieceRanges ranges = new PieceRanges(shares, piecesPerShare, n, grain, body);
        run(shares, ranges::drainFrom);
    }

    /**
     * Pieces {@code [0, shares · piecesPerShare)} of {@code [0, n)} (on grain boundaries, as even as they go) in contiguous
     * shares, each share's remaining {@code [front, back)} in one long (front in the high half) on a cache line of its
     * own: its owner takes from the front, others from the back, each by compare-and-set, so a piece is taken once and
     * owner and thief meet only on the share's last piece.
     */
    private static final class PieceRanges {
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
        /** Longs per 64-byte line: shares' slots never share a line (no false sharing between their owners). */
        private static final int SPACING = 8;

        private final long[] slots;
        private final int shares, pieces, n, grain, grains;
        private final Range body;

        PieceRanges(int shares, int piecesPerShare, int n, int grain, Range body) {
            this.shares = shares;
            this.pieces = shares * piecesPerShare;
            this.n = n;
            this.grain = grain;
            this.grains = (n + grain - 1) / grain;
            this.body = body;
            this.slots = new long[shares * SPACING];
            for (int s = 0; s < shares; s++) slots[s * SPACING] = (long) s * piecesPerShare << 32 | (long) (s + 1) * piecesPerShare;
        }

        /** Share {@code s}'s pieces from its front, then the other shares' from their backs; returns when none is left. */
        void drainFrom(int s) {
            for (int p = take(s, true); p >= 0; p = take(s, true)) runPiece(p);
            for (int k = 1; k < shares; k++) {
                int v = (s + k) % shares;
                for (int p = take(v, false); p >= 0; p = take(v, false)) runPiece(p);
            }
        }

        private void runPiece(int p) {
            body.run(bound(p, pieces, grains, grain, n), bound(p + 1, pieces, grains, grain, n));
        }

        /** The front (or back) piece of share {@code s}, taken, or -1 when the share is empty. */
        private int take(int s, boolean front) {
            int i = s * SPACING;
            while (true) {
                long v = (long) SLOT.getVolatile(slots, i);
                int f = (int) (v >>> 32), b = (int) v;
                if (f >= b) return -1;
                long next = front ? (long) (f + 1) << 32 | b : (long) f << 32 | (b - 1);
                if (SLOT.compareAndSet(slots, i, v, next)) return front ? f : b - 1;
            }
        }
    }

    /** As {@link #forTiles(int, int, int, int, int, Tile)} with up to {@link #threads()} tiles. */
    public void forTiles(int rows, int rowGrain, int cols, int colGrain, Tile body) {
        forTiles(rows, rowGrain, cols, colGrain, threads, body);
    }

    /**
     * Runs {@code body} over a {@code rows × cols} grid cut into at most {@link #threads()} tiles, tile
     * edges on multiples of {@code rowGrain} and {@code colGrain}. The grid is cut along the dimension
     * with more grains first, then the other when the shares do not divide it well.
     */
    public void forTiles(int rows, int rowGrain, int cols, int colGrain, int maxShares, Tile body) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("Parallel.forTiles needs rows, cols ≥ 0, got " + rows + ", " + cols);
        if (rowGrain < 1 || colGrain < 1) throw new IllegalArgumentException("Parallel.forTiles grains must be ≥ 1, got " + rowGrain + ", " + colGrain);
        if (rows == 0 || cols == 0) return;
        int rg = (rows + rowGrain - 1) / rowGrain, cg = (cols + colGrain - 1) / colGrain;
        int shares = (int) Math.min(Math.min(threads, Math.max(1, maxShares)), Math.max(1L, (long) (rows / rowGrain) * (cols / colGrain)));
        if (shares <= 1 || inOwnWorker()) {
            body.run(0, rows, 0, cols);
            return;
        }
        // Pick the split pr × pc (pr·pc ≤ shares) that wastes the least: balance of the largest tile.
        int bestR = 1, bestC = 1;
        long bestCost = Long.MAX_VALUE;
        for (int pr = 1; pr <= Math.min(shares, rg); pr++) {
            int pc = Math.min(shares / pr, cg);
            long cost = (long) ceilDiv(rg, pr) * ceilDiv(cg, pc) * rowGrain * colGrain;
            if (cost < bestCost || (cost == bestCost && pr * pc > bestR * bestC)) {
                bestCost = cost;
                bestR = pr;
                bestC = pc;
            }
        }
        int pr = bestR, pc = bestC, total = pr * pc;
        if (total <= 1) {
            body.run(0, rows, 0, cols);
            return;
        }
        run(total, t -> {
            int r = t / pc, c = t % pc;
            body.run(bound(r, pr, rg, rowGrain, rows), bound(r + 1, pr, rg, rowGrain, rows),
                    bound(c, pc, cg, colGrain, cols), bound(c + 1, pc, cg, colGrain, cols));
        });
    }

    /** Start of share {@code s} of {@code shares} over {@code grains} grains (the last grain may be short). */
    private static int bound(int s, int shares, int grains, int grain, int n) {
        long g = (long) grains * s / shares;
        return (int) Math.min(n, g * grain);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private boolean inOwnWorker() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    /**
     * Runs shares {@code 0..count-1}: publishes them as the current batch, makes sure enough worker
     * loops are alive, runs share 0 and then whatever is left unclaimed, waits for the shares workers
     * took, then rethrows the first failure (others suppressed).
     */
    private void run(int count, IntConsumer share) {
        Batch batch = new Batch(count, share);
        current = batch;
        for (int alive = loops.get(); alive < threads - 1; alive = loops.get()) {
            if (loops.compareAndSet(alive, alive + 1)) pool.execute(new WorkerLoop());
        }
        batch.runShare(0);
        for (int s = batch.claim(); s >= 0; s = batch.claim()) batch.runShare(s);
        batch.awaitAll();
        if (current == batch) current = null;
        batch.rethrow();
    }

    /**
     * One call's shares: claimed once each through {@link #claim()}, counted when finished. The two counters are
     * fields updated through {@link VarHandle}s rather than {@code AtomicInteger}s: one object per call, not three.
     */
    private static final class Batch {
        private static final VarHandle NEXT, FINISHED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                NEXT = l.findVarHandle(Batch.class, "next", int.class);
                FINISHED = l.findVarHandle(Batch.class, "finished", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final int count;
        private final IntConsumer share;
        private volatile int next = 1;   // share 0 is the caller's
        private volatile int finished;
        private final Thread caller = Thread.currentThread();
        private Throwable failure;   // guarded by this

        Batch(int count, IntConsumer share) {
            this.count = count;
            this.share = share;
        }

        /** The next unclaimed share, or -1. */
        int claim() {
            if (next >= count) return -1;
            int s = (int) NEXT.getAndAdd(this, 1);
            return s < count ? s : -1;
        }

        boolean hasUnclaimed() {
            return next < count;
        }

        void runShare(int s) {
            try {
                share.accept(s);
            } catch (Throwable t) {
                synchronized (this) {
                    if (failure == null) failure = t;
                    else failure.addSuppressed(t);
                }
            }
            if ((int) FINISHED.getAndAdd(this, 1) + 1 == count && Thread.currentThread() != caller) LockSupport.unpark(caller);
        }

        /** Spins briefly (workers finish within microseconds of the caller), then parks until the last share ends. */
        void awaitAll() {
            for (int spins = 0; finished < count; spins++) {
                if (spins < 20_000) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 50_000);
            }
        }

        synchronized void rethrow() {
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException("parallel share failed", failure);
        }
    }

    /**
     * A pool worker's loop: helps with the current batch, and between batches spins for
     * {@link #SPIN_NANOS} before it ends (returning its thread to the pool, where it parks).
     */
    private final class WorkerLoop extends RecursiveAction {
        @Override
        protected void compute() {
            try {
                long idleSince = System.nanoTime();
                int polls = 0;
                while (!closed) {
                    Batch b = current;
                    if (b != null && b.hasUnclaimed()) {
                        for (int s = b.claim(); s >= 0; s = b.claim()) b.runShare(s);
                        idleSince = System.nanoTime();
                        continue;
                    }
                    Thread.onSpinWait();
                    if ((++polls & 63) == 0 && System.nanoTime() - idleSince > SPIN_NANOS) break;
                }
            } finally {
                loops.decrementAndGet();
            }
        }
    }

    /** Shuts down this runtime's pool (no-op for {@link #shared()} and {@link #callerOnly()}). */
    @Override
    public void close() {
        if (closable && pool != null) {
            closed = true;
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Parallel[" + threads + " threads]";
    }

}
