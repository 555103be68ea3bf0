package dev.lanes.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lazily shared A: whatever order the panels are packed in, the buffer ends up exactly as
 * {@link PackedGemm#packA} lays out each k-block of one m-block, and every share visits every row
 * panel once.
 */
class SharedPackedATest {

    @Test
    void panelsPackedInAnyOrderGivePackAsLayout() {
        SplittableRandom r = new SplittableRandom(5);
        for (int m : new int[] {9, 13, 16, 23, 128, 131, 192}) {
            for (boolean transA : new boolean[] {false, true}) {
                int k = m % 2 == 0 ? 2000 : 77, kcMax = PackedGemm.kBlock(k), lda = (transA ? m : k) + 3;
                float[] a = new float[(transA ? k : m) * lda + 5];
                for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
                int rowsPacked = PackedGemm.packedRows(m);
                float[] buffer = new float[rowsPacked * k];
                Arrays.fill(buffer, Float.NaN);
                SharedPackedA sa = new SharedPackedA(a, 5, lda, transA, m, k, kcMax, buffer);
                assertEquals(rowsPacked, sa.rowsPacked);
                // visit in the order of a share starting part-way, the k-blocks last first
                for (int pc = (k - 1) / kcMax * kcMax; pc >= 0; pc -= kcMax) {
                    for (int q = 0; q < sa.panels; q++) {
                        int u = sa.panelAt(q, 3, 7);
                        assertTrue(sa.tryPanel(pc, u) >= 0);
                        assertEquals(sa.tryPanel(pc, u), sa.panel(pc, u), "a packed panel is found again");
                    }
                }
                for (int pc = 0; pc < k; pc += kcMax) {
                    int len = Math.min(kcMax, k - pc);
                    float[] expected = new float[rowsPacked * len + PackedGemm.MR_TAIL * len];
                    PackedGemm.packA(a, 5, lda, transA, 0, m, pc, len, expected);
                    float[] got = Arrays.copyOfRange(buffer, pc * rowsPacked, pc * rowsPacked + rowsPacked * len);
                    assertArrayEquals(Arrays.copyOf(expected, rowsPacked * len), got, "m=" + m + " transA=" + transA + " pc=" + pc);
                }
            }
        }
    }

    @Test
    void everyShareVisitsEveryRowPanelOnce() {
        float[] a = new float[131 * 40];
        SharedPackedA sa = new SharedPackedA(a, 0, 40, false, 131, 40, 40, new float[PackedGemm.packedRows(131) * 40]);
        for (int bPanels : new int[] {1, 2, 5, 24, 96}) {
            for (int p0 = 0; p0 < bPanels; p0++) {
                boolean[] seen = new boolean[sa.panels];
                for (int q = 0; q < sa.panels; q++) {
                    int u = sa.panelAt(q, p0, bPanels);
                    assertTrue(!seen[u], "panel " + u + " twice");
                    seen[u] = true;
                }
            }
        }
    }
}
