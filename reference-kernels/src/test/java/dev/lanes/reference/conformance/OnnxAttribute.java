package dev.lanes.reference.conformance;

import java.util.List;

/**
 * A decoded ONNX {@code AttributeProto}. Field numbers from onnx.proto3: name 1, f 2, i 3, s 4, t 5,
 * g 6, floats 7, ints 8, strings 9, tensors 10, graphs 11, type 20. Graph-valued attributes are
 * recorded by type only (no node test of a kernel op needs them).
 */
public record OnnxAttribute(String name, Type type, float f, long i, String s, OnnxTensor t,
                            float[] floats, long[] ints, List<String> strings) {

    /** {@code AttributeProto.AttributeType} codes. */
    public enum Type {
        UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8),
        TENSORS(9), GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13), TYPE_PROTOS(14);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) {
            for (Type t : values()) if (t.code == code) return t;
            throw new IllegalArgumentException("AttributeProto type " + code + " is unknown");
        }
    }

    static OnnxAttribute decode(WireReader r) {
        String name = "";
        int typeCode = 0;
        float f = 0;
        long i = 0;
        String s = null;
        OnnxTensor t = null;
        OnnxTensorFile.DoubleList floats = new OnnxTensorFile.DoubleList();
        OnnxTensorFile.LongList ints = new OnnxTensorFile.LongList();
        List<String> strings = new java.util.ArrayList<>();
        boolean sawF = false, sawI = false, sawG = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> { f = r.fixed32Float(); sawF = true; }
                case 3 -> { i = r.varint(); sawI = true; }
                case 4 -> s = r.string();
                case 5 -> t = OnnxTensorFile.decode(r.message());
                case 6, 11 -> { r.skip(); sawG = true; }
                case 7 -> r.floats(floats::add);
                case 8 -> r.varints(ints::add);
                case 9 -> strings.add(r.string());
                case 20 -> typeCode = (int) r.varint();
                default -> r.skip();
            }
        }
        Type type = Type.of(typeCode);
        if (type == Type.UNDEFINED) { // old models may leave the type out: infer it from the field present
            type = t != null ? Type.TENSOR : s != null ? Type.STRING : sawG ? Type.GRAPH
                    : ints.size() > 0 ? Type.INTS : floats.size() > 0 ? Type.FLOATS : !strings.isEmpty() ? Type.STRINGS
                    : sawI ? Type.INT : sawF ? Type.FLOAT : Type.UNDEFINED;
        }
        float[] fl = new float[floats.size()];
        for (int k = 0; k < fl.length; k++) fl[k] = (float) floats.get(k);
        return new OnnxAttribute(name, type, f, i, s, t, fl, ints.toArray(), List.copyOf(strings));
    }
}
