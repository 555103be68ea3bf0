package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void forRangeCoversEveryItemOnceOnGrainBoundaries() {
        try (Parallel par = Parallel.create(3)) {
            for (int n : new int[] {0, 1, 2, 5, 12, 13, 97, 1000}) {
                for (int grain : new int[] {1, 2, 12}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(n);
                    AtomicInteger shares = new AtomicInteger();
                    par.forRange(n, grain, (from, to) -> {
                        shares.incrementAndGet();
                        assertTrue(from % grain == 0, "share starts at " + from + ", not a multiple of " + grain);
                        for (int i = from; i < to; i++) seen.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "item " + i + " of " + n);
                    assertTrue(shares.get() <= 3);
                }
            }
        }
    }

    @Test
    void forRangeBalancedCoversEveryItemOnceInEvenPieces() {
        for (int threads : new int[] {2, 3, 5}) {
            try (Parallel par = Parallel.create(threads)) {
                for (int n : new int[] {0, 1, 2, 5, 12, 13, 97, 1000}) {
                    for (int grain : new int[] {1, 4}) {
                        for (int maxPiece : new int[] {1, 3, 12, 1000}) {
                            AtomicIntegerArray seen = new AtomicIntegerArray(n);
                            AtomicInteger smallest = new AtomicInteger(Integer.MAX_VALUE), largest = new AtomicInteger();
                            par.forRangeBalanced(n, grain, maxPiece, threads, (from, to) -> {
                                assertEquals(0, from % grain, "a piece starts at " + from + ", not on a grain of " + grain);
                                smallest.accumulateAndGet(to - from, Math::min);
                                largest.accumulateAndGet(to - from, Math::max);
                                for (int i = from; i < to; i++) seen.incrementAndGet(i);
                            });
                            String what = n + " items, grain " + grain + ", pieces of at most " + maxPiece + ", " + threads + " threads";
                            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "item " + i + " of " + what);
                            if (n >= 2 * grain) {
                                assertTrue(largest.get() <= Math.max(maxPiece, grain) + grain || largest.get() == n,
                                        "largest piece " + largest.get() + " of " + what);
                                assertTrue(largest.get() - smallest.get() <= 2 * grain || largest.get() == n,
                                        "pieces " + smallest.get() + ".." + largest.get() + " of " + what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void forRangeBalancedLetsAFastThreadTakeOverASlowOnesPieces() {
        try (Parallel par = Parallel.create(2)) {
            Thread caller = Thread.currentThread();
            AtomicInteger byCaller = new AtomicInteger();
            // the caller's own share is pieces 0-7; a worker that sleeps in each piece leaves most of its share 8-15 to it
            par.forRangeBalanced(16, 1, 1, 2, (from, to) -> {
                if (Thread.currentThread() == caller) byCaller.incrementAndGet();
                else sleep(20);
            });
            assertTrue(byCaller.get() > 8, "the caller took over some of the slow worker's pieces: " + byCaller.get() + " of 16");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void forTilesCoversTheGridOnce() {
        try (Parallel par = Parallel.create(3)) {
            int rows = 37, cols = 11;
            AtomicIntegerArray seen = new AtomicIntegerArray(rows * cols);
            par.forTiles(rows, 4, cols, 1, (r0, r1, c0, c1) -> {
                assertEquals(0, r0 % 4);
                for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) seen.incrementAndGet(r * cols + c);
            });
            for (int i = 0; i < rows * cols; i++) assertEquals(1, seen.get(i), "cell " + i);
        }
    }

    @Test
    void workRunsOnTheCallerAndThePoolsOwnThreads() {
        try (Parallel par = Parallel.create(2)) {
            Set<String> names = ConcurrentHashMap.newKeySet();
            for (int rep = 0; rep < 20; rep++) {
                par.forRange(2, 1, (from, to) -> names.add(Thread.currentThread().getName()));
            }
            assertTrue(names.contains(Thread.currentThread().getName()), "the caller runs a share: " + names);
            names.remove(Thread.currentThread().getName());
            for (String n : names) assertTrue(n.startsWith("lanes-"), "share ran on " + n + ", not a Lanes worker");
        }
    }

    @Test
    void lessThanTwoGrainsRunsInline() {
        try (Parallel par = Parallel.create(2)) {
            Thread caller = Thread.currentThread();
            par.forRange(7, 4, (from, to) -> {
                assertSame(caller, Thread.currentThread());
                assertEquals(0, from);
                assertEquals(7, to);
            });
            assertEquals(1, par.sharesFor(1000, 600));
            assertEquals(2, par.sharesFor(1_000_000, 600));
        }
    }

    @Test
    void nestedCallsRunInlineAndFailuresPropagate() {
        try (Parallel par = Parallel.create(2)) {
            AtomicInteger total = new AtomicInteger();
            par.forRange(4, 1, (a, b) -> par.forRange(10, 1, (c, d) -> total.addAndGet(d - c)));
            assertEquals(2 * 10, total.get(), "each of the 2 outer shares covers the inner range once");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> par.forRange(100, 1, (from, to) -> {
                        if (from > 0) throw new IllegalStateException("boom " + from);
                    }));
            assertTrue(e.getMessage().startsWith("boom"));
        }
    }

    @Test
    void concurrentCallersEachGetTheirWholeRangeOnce() throws Exception {
        try (Parallel par = Parallel.create(3)) {
            int callers = 6, reps = 300, n = 64;
            AtomicInteger wrong = new AtomicInteger();
            Thread[] ts = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                ts[c] = new Thread(() -> {
                    for (int rep = 0; rep < reps; rep++) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(n);
                        par.forRange(n, 4, (from, to) -> {
                            for (int i = from; i < to; i++) seen.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) if (seen.get(i) != 1) wrong.incrementAndGet();
                    }
                });
                ts[c].start();
            }
            for (Thread t : ts) t.join();
            assertEquals(0, wrong.get(), "items covered other than exactly once");
        }
    }

    @Test
    void callerOnlyAndArgumentChecks() {
        Parallel one = Parallel.callerOnly();
        assertEquals(1, one.threads());
        assertSame(one, Parallel.create(1));
        assertTrue(Parallel.shared().threads() >= 1);
        assertThrows(IllegalArgumentException.class, () -> Parallel.create(0));
        assertThrows(IllegalArgumentException.class, () -> one.forRange(-1, 1, (a, b) -> {}));
        assertThrows(IllegalArgumentException.class, () -> one.forRange(5, 0, (a, b) -> {}));
    }
}
