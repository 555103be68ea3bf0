package dev.lanes.reference.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder on hand-encoded messages: every storage form ONNX writers use, and malformed input. */
class WireReaderTest {

    /** A minimal protobuf writer for building test messages. */
    static final class Proto {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            key(field, 0);
            raw(v);
            return this;
        }

        Proto fixed32(int field, float v) {
            key(field, 5);
            int bits = Float.floatToIntBits(v);
            for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
            return this;
        }

        Proto bytes(int field, byte[] b) {
            key(field, 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.toBytes());
        }

        Proto packedVarints(int field, long... v) {
            Proto p = new Proto();
            for (long x : v) p.raw(x);
            return bytes(field, p.toBytes());
        }

        Proto packedFloats(int field, float... v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) b.putFloat(x);
            return bytes(field, b.array());
        }

        Proto packedDoubles(int field, double... v) {
            ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double x : v) b.putDouble(x);
            return bytes(field, b.array());
        }

        private void key(int field, int wt) {
            raw((long) field << 3 | wt);
        }

        private void raw(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    @Test
    void readsVarintsIncludingNegativeAndMultiByte() {
        byte[] msg = new Proto().varint(1, 300).varint(2, -1).varint(3, Long.MIN_VALUE).toBytes();
        WireReader r = new WireReader(msg);
        assertTrue(r.next());
        assertEquals(1, r.field());
        assertEquals(300, r.varint());
        r.next();
        assertEquals(-1, r.varint());
        r.next();
        assertEquals(Long.MIN_VALUE, r.varint());
        assertEquals(false, r.next());
    }

    @Test
    void decodesFloatTensorFromPackedFloatData() {
        byte[] msg = new Proto().packedVarints(1, 2, 3).varint(2, 1).packedFloats(4, 1, 2, 3, 4, 5, -6.5f)
                .string(8, "x").toBytes();
        OnnxTensor t = OnnxTensorFile.decode(new WireReader(msg));
        assertEquals("x", t.name());
        assertEquals(OnnxDataType.FLOAT, t.type());
        assertArrayEquals(new int[] {2, 3}, t.dims());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, t.floats());
    }

    @Test
    void decodesUnpackedRepeatedFieldsOneByOne() {
        byte[] msg = new Proto().varint(1, 2).varint(2, 1).fixed32(4, 0.5f).fixed32(4, -2f).toBytes();
        assertArrayEquals(new float[] {0.5f, -2f}, OnnxTensorFile.decode(new WireReader(msg)).floats());
    }

    @Test
    void decodesRawDataOfEachSimpleType() {
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(Float.NaN);
        OnnxTensor ft = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 1).bytes(9, f.array()).toBytes()));
        assertArrayEquals(new float[] {1.5f, Float.NaN}, ft.floats());

        ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-3).putLong(1L << 40);
        OnnxTensor lt = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 7).bytes(9, l.array()).toBytes()));
        assertArrayEquals(new long[] {-3, 1L << 40}, lt.longs());

        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI);
        OnnxTensor dt = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 1).varint(2, 11).bytes(9, d.array()).toBytes()));
        assertArrayEquals(new double[] {Math.PI}, dt.doubles());

        OnnxTensor bt = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 3).varint(2, 9).bytes(9, new byte[] {1, 0, 1}).toBytes()));
        assertEquals(OnnxDataType.BOOL, bt.type());
        assertArrayEquals(new boolean[] {true, false, true}, bt.booleans());

        OnnxTensor i8 = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 3).bytes(9, new byte[] {-1, 127}).toBytes()));
        assertArrayEquals(new long[] {-1, 127}, i8.longs());
        OnnxTensor u8 = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 2).bytes(9, new byte[] {-1, 127}).toBytes()));
        assertArrayEquals(new long[] {255, 127}, u8.longs());

        ByteBuffer i32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(9);
        OnnxTensor it = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 6).bytes(9, i32.array()).toBytes()));
        assertArrayEquals(new int[] {-7, 9}, it.ints());
    }

    @Test
    void decodesTypedIntegerAndDoubleFields() {
        OnnxTensor i64 = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 3).varint(2, 7).packedVarints(7, 5, -5, 1L << 50).toBytes()));
        assertArrayEquals(new long[] {5, -5, 1L << 50}, i64.longs());
        OnnxTensor i32 = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 6).packedVarints(5, -2, 2).toBytes()));
        assertArrayEquals(new long[] {-2, 2}, i32.longs());
        OnnxTensor f64 = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 2).varint(2, 11).packedDoubles(10, 0.25, -1e300).toBytes()));
        assertArrayEquals(new double[] {0.25, -1e300}, f64.doubles());
        OnnxTensor scalar = OnnxTensorFile.decode(new WireReader(new Proto().varint(2, 1).packedFloats(4, 42f).toBytes()));
        assertArrayEquals(new int[0], scalar.dims());
        assertArrayEquals(new float[] {42f}, scalar.floats());
        OnnxTensor empty = OnnxTensorFile.decode(new WireReader(new Proto().varint(1, 0).varint(1, 3).varint(2, 1).toBytes()));
        assertEquals(0, empty.size());
    }

    @Test
    void decodesNodeWithEveryAttributeKind() {
        Proto tensor = new Proto().varint(1, 1).varint(2, 7).packedVarints(7, 9);
        Proto node = new Proto().string(1, "X").string(1, "").string(1, "W").string(2, "Y").string(4, "Conv")
                .message(5, new Proto().string(1, "alpha").fixed32(2, 0.5f).varint(20, 1))
                .message(5, new Proto().string(1, "group").varint(3, 2).varint(20, 2))
                .message(5, new Proto().string(1, "auto_pad").string(4, "SAME_UPPER").varint(20, 3))
                .message(5, new Proto().string(1, "value").message(5, tensor).varint(20, 4))
                .message(5, new Proto().string(1, "scales").packedFloats(7, 1f, 2f).varint(20, 6))
                .message(5, new Proto().string(1, "pads").packedVarints(8, 1, 0, 2, -1).varint(20, 7))
                .message(5, new Proto().string(1, "names").string(9, "a").string(9, "b").varint(20, 8));
        Proto graph = new Proto().message(1, node).message(11, new Proto().string(1, "X")).message(12, new Proto().string(1, "Y"));
        byte[] model = new Proto().varint(1, 10).message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 22)).message(8, new Proto().string(1, "com.x").varint(2, 1)).toBytes();
        OnnxModel m = OnnxModel.decode(new WireReader(model));
        assertEquals(10, m.irVersion());
        assertEquals(22, m.opset());
        assertEquals(1L, m.opsetImports().get("com.x"));
        assertEquals(List.of("X"), m.inputs());
        OnnxNode n = m.nodes().get(0);
        assertEquals("Conv", n.opType());
        assertEquals(List.of("X", "", "W"), n.inputs());
        assertEquals(0.5f, n.f("alpha", 0));
        assertEquals(2, n.intAttr("group", 1));
        assertEquals(1, n.intAttr("absent", 1));
        assertEquals("SAME_UPPER", n.s("auto_pad", "NOTSET"));
        assertArrayEquals(new long[] {9}, n.t("value").longs());
        assertArrayEquals(new float[] {1f, 2f}, n.floats("scales"));
        assertArrayEquals(new int[] {1, 0, 2, -1}, n.intsAttr("pads"));
        assertEquals(List.of("a", "b"), n.strings("names"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.ints("group"));
        assertTrue(e.getMessage().contains("Conv attribute group"), e.getMessage());
    }

    @Test
    void rejectsMalformedInputWithAClearMessage() {
        assertThrows(IllegalArgumentException.class, () -> OnnxTensorFile.decode(new WireReader(new byte[] {(byte) 0x0a, 5, 1})));
        assertThrows(IllegalArgumentException.class, () -> OnnxTensorFile.decode(new WireReader(new byte[] {(byte) 0x08, (byte) 0x80})));
        assertThrows(IllegalArgumentException.class, () -> OnnxTensorFile.decode(new WireReader(new byte[] {0, 0})));
        // dims say 3 values, data holds 2
        byte[] short2 = new Proto().varint(1, 3).varint(2, 1).packedFloats(4, 1, 2).toBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxTensorFile.decode(new WireReader(short2)));
        assertTrue(e.getMessage().contains("needs 3 values"), e.getMessage());
        // a length prefix far beyond the buffer must not allocate
        byte[] huge = {(byte) 0x4a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertThrows(IllegalArgumentException.class, () -> OnnxTensorFile.decode(new WireReader(huge)));
    }
}
