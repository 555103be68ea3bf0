package dev.lanes.reference.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;

/**
 * A reader of the protobuf wire format over a byte range: enough to decode the ONNX messages that node
 * tests use, with no generated code. Usage: {@code while (r.next()) switch (r.field()) { ... default ->
 * r.skip(); }}; after {@link #next()} exactly one value reader (or {@link #skip()}) must be called.
 *
 * <p>Every read is bounds-checked: malformed input throws {@link IllegalArgumentException} naming what
 * was wrong and where, never an index error or an unbounded allocation.
 */
public final class WireReader {
    public static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private int pos;
    private int field;
    private int wireType;

    public WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public WireReader(byte[] buf, int from, int to) {
        if (from < 0 || to > buf.length || from > to) {
            throw new IllegalArgumentException("bad range [" + from + ", " + to + ") of " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    /** Reads the next key; false at the end of the message. */
    public boolean next() {
        if (pos >= end) return false;
        long key = rawVarint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field == 0) throw error("field number 0");
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    public long varint() {
        expect(VARINT);
        return rawVarint();
    }

    public float fixed32Float() {
        expect(FIXED32);
        return Float.intBitsToFloat(rawFixed32());
    }

    public double fixed64Double() {
        expect(FIXED64);
        return Double.longBitsToDouble(rawFixed64());
    }

    /** The bytes of a length-delimited field (a copy). */
    public byte[] bytes() {
        int len = length();
        byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    public String string() {
        int len = length();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** A reader over an embedded message (no copy). */
    public WireReader message() {
        int len = length();
        WireReader sub = new WireReader(buf, pos, pos + len);
        pos += len;
        return sub;
    }

    /** A repeated varint field: one value, or a packed run of them. */
    public void varints(LongConsumer out) {
        if (wireType == VARINT) {
            out.accept(rawVarint());
        } else if (wireType == LENGTH_DELIMITED) {
            WireReader packed = message();
            while (packed.pos < packed.end) out.accept(packed.rawVarint());
        } else {
            throw error("wire type " + wireType + " for a repeated varint");
        }
    }

    /** A repeated float field: one fixed32 value, or a packed run of them. */
    public void floats(DoubleConsumer out) {
        if (wireType == FIXED32) {
            out.accept(Float.intBitsToFloat(rawFixed32()));
        } else if (wireType == LENGTH_DELIMITED) {
            WireReader packed = message();
            if ((packed.end - packed.pos) % 4 != 0) throw error("packed floats of " + (packed.end - packed.pos) + " bytes");
            while (packed.pos < packed.end) out.accept(Float.intBitsToFloat(packed.rawFixed32()));
        } else {
            throw error("wire type " + wireType + " for a repeated float");
        }
    }

    /** A repeated double field: one fixed64 value, or a packed run of them. */
    public void doubles(DoubleConsumer out) {
        if (wireType == FIXED64) {
            out.accept(Double.longBitsToDouble(rawFixed64()));
        } else if (wireType == LENGTH_DELIMITED) {
            WireReader packed = message();
            if ((packed.end - packed.pos) % 8 != 0) throw error("packed doubles of " + (packed.end - packed.pos) + " bytes");
            while (packed.pos < packed.end) out.accept(Double.longBitsToDouble(packed.rawFixed64()));
        } else {
            throw error("wire type " + wireType + " for a repeated double");
        }
    }

    /** Skips the value of the current field (unknown fields are legal in protobuf). */
    public void skip() {
        switch (wireType) {
            case VARINT -> rawVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw error("unsupported wire type " + wireType);
        }
    }

    private int length() {
        expect(LENGTH_DELIMITED);
        long len = rawVarint();
        if (len < 0 || len > end - pos) throw error("length " + len + " exceeds the " + (end - pos) + " bytes left");
        return (int) len;
    }

    private void advance(int n) {
        if (n > end - pos) throw error("field of " + n + " bytes exceeds the " + (end - pos) + " bytes left");
        pos += n;
    }

    private long rawVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw error("truncated varint");
            int b = buf[pos++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw error("varint longer than 10 bytes");
    }

    private int rawFixed32() {
        advance(4);
        int p = pos - 4;
        return (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8 | (buf[p + 2] & 0xff) << 16 | (buf[p + 3] & 0xff) << 24;
    }

    private long rawFixed64() {
        long lo = rawFixed32() & 0xffffffffL;
        long hi = rawFixed32() & 0xffffffffL;
        return lo | hi << 32;
    }

    private void expect(int type) {
        if (wireType != type) throw error("field " + field + " has wire type " + wireType + ", expected " + type);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("protobuf: " + what + " at byte " + pos);
    }
}
