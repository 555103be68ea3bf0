package dev.lanes.reference.conformance;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A decoded ONNX {@code NodeProto}: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
 * The typed getters name the op and the attribute when an attribute has another type than asked.
 */
public record OnnxNode(String opType, String domain, String name, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {

    static OnnxNode decode(WireReader r) {
        String opType = "", domain = "", name = "";
        List<String> inputs = new java.util.ArrayList<>(), outputs = new java.util.ArrayList<>();
        Map<String, OnnxAttribute> attributes = new java.util.LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 3 -> name = r.string();
                case 4 -> opType = r.string();
                case 5 -> {
                    OnnxAttribute a = OnnxAttribute.decode(r.message());
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new OnnxNode(opType, domain, name, List.copyOf(inputs), List.copyOf(outputs),
                java.util.Collections.unmodifiableMap(attributes));
    }

    public boolean has(String attribute) {
        return attributes.containsKey(attribute);
    }

    public long i(String attribute, long dflt) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.INT);
        return a == null ? dflt : a.i();
    }

    /** An INT attribute that must fit an int. */
    public int intAttr(String attribute, int dflt) {
        long v = i(attribute, dflt);
        if (v != (int) v) throw new IllegalArgumentException(opType + " attribute " + attribute + " = " + v + " does not fit an int");
        return (int) v;
    }

    public float f(String attribute, float dflt) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.FLOAT);
        return a == null ? dflt : a.f();
    }

    public String s(String attribute, String dflt) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.STRING);
        return a == null ? dflt : a.s();
    }

    public OnnxTensor t(String attribute) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.TENSOR);
        return a == null ? null : a.t();
    }

    /** An INTS attribute, or null when absent. */
    public long[] ints(String attribute) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.INTS);
        return a == null ? null : a.ints().clone();
    }

    /** An INTS attribute as int[] (each value checked), or null when absent. */
    public int[] intsAttr(String attribute) {
        long[] l = ints(attribute);
        if (l == null) return null;
        int[] out = new int[l.length];
        for (int k = 0; k < l.length; k++) {
            if (l[k] != (int) l[k]) {
                throw new IllegalArgumentException(opType + " attribute " + attribute + " = " + Arrays.toString(l) + " does not fit int");
            }
            out[k] = (int) l[k];
        }
        return out;
    }

    /** A FLOATS attribute, or null when absent. */
    public float[] floats(String attribute) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.FLOATS);
        return a == null ? null : a.floats().clone();
    }

    /** A STRINGS attribute, or null when absent. */
    public List<String> strings(String attribute) {
        OnnxAttribute a = get(attribute, OnnxAttribute.Type.STRINGS);
        return a == null ? null : a.strings();
    }

    private OnnxAttribute get(String attribute, OnnxAttribute.Type type) {
        OnnxAttribute a = attributes.get(attribute);
        if (a != null && a.type() != type) {
            throw new IllegalArgumentException(opType + " attribute " + attribute + " is " + a.type() + ", not " + type);
        }
        return a;
    }
}
