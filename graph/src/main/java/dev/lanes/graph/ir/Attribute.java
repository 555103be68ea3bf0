package dev.lanes.graph.ir;

import dev.lanes.graph.Tensor;
import java.util.Arrays;
import java.util.List;

/** A node attribute: a name, a kind and a value of that kind. Arrays are not copied; treat them as read-only. */
public record Attribute(String name, Kind kind, Object value) {

    public enum Kind { FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS, TENSORS, GRAPHS }

    public static Attribute ofLong(String name, long v) {
        return new Attribute(name, Kind.INT, v);
    }

    public static Attribute ofFloat(String name, float v) {
        return new Attribute(name, Kind.FLOAT, v);
    }

    public static Attribute ofString(String name, String v) {
        return new Attribute(name, Kind.STRING, v);
    }

    public static Attribute ofLongs(String name, long[] v) {
        return new Attribute(name, Kind.INTS, v);
    }

    public static Attribute ofFloats(String name, float[] v) {
        return new Attribute(name, Kind.FLOATS, v);
    }

    public static Attribute ofStrings(String name, String[] v) {
        return new Attribute(name, Kind.STRINGS, v);
    }

    public static Attribute ofTensor(String name, Tensor v) {
        return new Attribute(name, Kind.TENSOR, v);
    }

    public static Attribute ofGraph(String name, Graph v) {
        return new Attribute(name, Kind.GRAPH, v);
    }

    public static Attribute ofGraphs(String name, List<Graph> v) {
        return new Attribute(name, Kind.GRAPHS, List.copyOf(v));
    }

    public static Attribute ofTensors(String name, List<Tensor> v) {
        return new Attribute(name, Kind.TENSORS, List.copyOf(v));
    }

    @Override
    public String toString() {
        Object v = value;
        if (v instanceof long[] a) {
            v = Arrays.toString(a);
        } else if (v instanceof float[] a) {
            v = Arrays.toString(a);
        } else if (v instanceof String[] a) {
            v = Arrays.toString(a);
        } else if (v instanceof Graph g) {
            v = "graph " + g.name();
        }
        return name + "=" + v;
    }
}
