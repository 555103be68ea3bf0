package dev.lanes.models.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.models.RealModel;
import dev.lanes.models.TensorFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class DbPostProcessTest {

    private static void fill(float[] map, int w, int x0, int x1, int y0, int y1, float v) {
        for (int y = y0; y <= y1; y++) for (int x = x0; x <= x1; x++) map[y * w + x] = v;
    }

    @Test
    void aRectangleOfTextBecomesOneUnclippedBox() {
        int w = 100, h = 50;
        float[] map = new float[w * h];
        fill(map, w, 20, 79, 10, 29, 0.9f);
        List<TextBox> boxes = DbPostProcess.PADDLE_DEFAULT.boxes(map, w, h, w, h);
        assertEquals(1, boxes.size());
        TextBox b = boxes.get(0);
        assertEquals(0.9, b.score(), 1e-6);
        // pixel centres span 59 x 19; unclip distance = 59*19*1.5 / (2*(59+19)) = 10.78
        double d = 59.0 * 19 * 1.5 / (2 * (59 + 19));
        double[] wantX = {20 - d, 79 + d, 79 + d, 20 - d}, wantY = {Math.max(10 - d, 0), Math.max(10 - d, 0), 29 + d, 29 + d};
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.rint(wantX[i]), b.xs()[i], 1.0, "x" + i);
            assertEquals(Math.rint(wantY[i]), b.ys()[i], 1.0, "y" + i);
        }
    }

    @Test
    void boxesAreScaledToTheOriginalImageAndClipped() {
        int w = 100, h = 50;
        float[] map = new float[w * h];
        fill(map, w, 20, 79, 10, 29, 0.9f);
        TextBox b = DbPostProcess.PADDLE_DEFAULT.boxes(map, w, h, 2 * w, 2 * h).get(0);
        double d = 59.0 * 19 * 1.5 / (2 * (59 + 19));
        assertEquals(Math.rint((79 + d) * 2), b.xs()[1], 2.0);
        assertEquals(0.0, b.ys()[0]);
    }

    @Test
    void smallFaintAndDiagonalNeighbourRegionsBehave() {
        int w = 60, h = 60;
        float[] map = new float[w * h];
        fill(map, w, 2, 3, 2, 3, 1f);          // 2x2: short side 1 < min size
        fill(map, w, 10, 40, 10, 20, 0.35f);   // above thresh, under box thresh
        fill(map, w, 10, 30, 40, 45, 0.95f);   // a line of text ...
        fill(map, w, 31, 50, 46, 51, 0.95f);   // ... touching it diagonally: one region, half its box lit
        List<TextBox> boxes = new DbPostProcess(0.3, 0.4, 1.5, 1000, 3).boxes(map, w, h, w, h);
        assertEquals(1, boxes.size(), boxes.toString());
        assertTrue(boxes.get(0).contains(12, 42) && boxes.get(0).contains(48, 50), boxes.toString());
    }

    @Test
    void anEmptyMapHasNoBoxesAndABadMapIsRefused() {
        assertTrue(DbPostProcess.PADDLE_DEFAULT.boxes(new float[64 * 32], 64, 32, 64, 32).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> DbPostProcess.PADDLE_DEFAULT.boxes(new float[10], 64, 32, 64, 32));
        assertThrows(IllegalArgumentException.class, () -> new DbPostProcess(1.5, 0.6, 1.5, 10, 3));
    }

    /** On the reference map of the real detector: every confident pixel is in a box, boxes score above the threshold and do not nest. */
    @Test
    void theReferenceProbabilityMapGivesOneBoxPerTextLine() {
        TensorFile out = RealModel.PPOCR_V4_DET.reference().output("sigmoid_0.tmp_0");
        float[] map = out.floats();
        int w = 640, h = 384;
        List<TextBox> boxes = DbPostProcess.PADDLE_DEFAULT.boxes(map, w, h, w, h);
        assertTrue(boxes.size() >= 5 && boxes.size() <= 12, boxes.size() + " boxes: " + boxes);
        for (TextBox b : boxes) {
            assertTrue(b.score() >= 0.6, b.toString());
            assertTrue(b.width() > b.height(), "text lines lie horizontally: " + b);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (map[y * w + x] <= 0.9f) continue;
                boolean in = false;
                for (TextBox b : boxes) in |= b.contains(x, y);
                assertTrue(in, "confident pixel (" + x + "," + y + ") is in no box");
            }
        }
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = 0; j < boxes.size(); j++) {
                if (i == j) continue;
                TextBox a = boxes.get(i), b = boxes.get(j);
                double cx = (b.xs()[0] + b.xs()[2]) / 2, cy = (b.ys()[0] + b.ys()[2]) / 2;
                assertFalse(a.contains(cx, cy) && a.width() * a.height() > b.width() * b.height(), a + " holds " + b);
            }
        }
        for (int i = 1; i < boxes.size(); i++) {
            assertTrue(boxes.get(i).ys()[0] >= boxes.get(i - 1).ys()[0] - 10, "reading order");
        }
    }
}
