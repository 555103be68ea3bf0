package dev.lanes.models.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GeometryTest {

    @Test
    void componentsAreEightConnected() {
        boolean[] on = {
            true, false, false, true,
            false, true, false, true,
            false, false, false, true,
            true, true, false, false};
        ConnectedComponents cc = ConnectedComponents.label(on, 4, 4);
        assertEquals(3, cc.count());
        int[] l = cc.labels();
        assertEquals(l[0], l[5]);        // diagonal neighbours join
        assertEquals(l[3], l[11]);
        assertEquals(l[12], l[13]);
    }

    @Test
    void aUShapeMergesIntoOneComponent() {
        boolean[] on = {
            true, false, true,
            true, false, true,
            true, true, true};
        assertEquals(1, ConnectedComponents.label(on, 3, 3).count());
    }

    @Test
    void minimumAreaRectangleOfATiltedSquare() {
        double[] xs = {0, 10, 0, -10, 1, -2}, ys = {-10, 0, 10, 0, 2, -3};
        RotatedRect r = RotatedRect.minAreaOf(xs, ys, xs.length);
        assertEquals(200, r.area(), 1e-9);
        assertEquals(Math.sqrt(200), r.shortSide(), 1e-9);
    }

    @Test
    void minimumAreaRectangleOfAnAxisAlignedSetIsOrderedFromTopLeft() {
        double[] xs = {5, 1, 5, 1, 3}, ys = {2, 2, 4, 4, 3};
        RotatedRect r = RotatedRect.minAreaOf(xs, ys, xs.length);
        assertArrayEquals(new double[] {1, 5, 5, 1}, r.xs(), 1e-9);
        assertArrayEquals(new double[] {2, 2, 4, 4}, r.ys(), 1e-9);
        assertEquals(2, r.shortSide(), 1e-9);
    }

    @Test
    void aSinglePointHasAnEmptyRectangle() {
        RotatedRect r = RotatedRect.minAreaOf(new double[] {3, 3}, new double[] {4, 4}, 2);
        assertEquals(0, r.area());
        assertEquals(0, r.shortSide());
    }

    @Test
    void roundOffsetOfARectangleGrowsEachSide() {
        double[] xs = {0, 10, 10, 0}, ys = {0, 0, 4, 4};
        double[][] grown = Polygon.offsetConvex(xs, ys, 2);
        RotatedRect r = RotatedRect.minAreaOf(grown[0], grown[1], grown[0].length);
        assertEquals(14 * 8, r.area(), 1e-6);
        assertArrayEquals(new double[] {-2, 12, 12, -2}, r.xs(), 1e-9);
    }

    @Test
    void quadCropOfAnAxisAlignedBoxIsTheSubImage() {
        int w = 8, h = 6;
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7);
        BgrImage img = new BgrImage(w, h, px);
        BgrImage crop = QuadCrop.crop(img, new TextBox(new double[] {2, 6, 6, 2}, new double[] {1, 1, 4, 4}, 1));
        assertEquals(4, crop.width());
        assertEquals(3, crop.height());
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) for (int c = 0; c < 3; c++) {
            assertEquals(img.at(x + 2, y + 1, c), crop.at(x, y, c));
        }
        BgrImage twice = QuadCrop.rotate180(QuadCrop.rotate180(crop));
        assertArrayEquals(crop.bgr(), twice.bgr());
        BgrImage tall = QuadCrop.crop(img, new TextBox(new double[] {1, 3, 3, 1}, new double[] {0, 0, 5, 5}, 1));
        assertEquals(5, tall.width());   // 2 wide, 5 high: laid down
        assertEquals(2, tall.height());
    }
}
