package dev.lanes.bench.models;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Chrome trace that ONNX Runtime's profiler writes ({@code SessionOptions.enableProfiling}) into per-node,
 * per-run times. The trace is a JSON array of complete events ({@code "ph":"X"}) with {@code ts} and {@code dur} in
 * microseconds; the ones read here are:
 * <ul>
 * <li>{@code "cat":"Session"}, {@code "name":"model_run"}: one per {@code run} call, its interval;
 * <li>{@code "cat":"Node"} with a name ending in {@code _kernel_time}: one kernel's execution, named after the node
 * ({@code features.0.1/Clip:0_nchwc_kernel_time}: ORT names a fused node after one of the nodes it fused and marks
 * layout-transformed ones with {@code _nchwc}; nodes it inserted itself, such as {@code ReorderOutput}, carry no model
 * name). {@code args.op_name} is the kernel's operator.
 * </ul>
 * A node event belongs to the run whose interval holds its start; the first {@code skipRuns} runs (warm-up) are left
 * out. Everything else in the file (fence events, session set-up, thread-pool events) is skipped.
 */
final class OrtTrace {
    static final String KERNEL_SUFFIX = "_kernel_time";

    private OrtTrace() {}

    /** A node's operator name, as {@code args.op_name} gives it, by node name (without the suffix); for printing. */
    record Parsed(NodeSamples samples, Map<String, String> opNames) {}

    private record Event(String name, String opName, long ts, long dur) {}

    static Parsed read(Reader json, int skipRuns) throws IOException {
        if (skipRuns < 0) throw new IllegalArgumentException("skipRuns must be >= 0, got " + skipRuns);
        List<Event> runs = new ArrayList<>();
        List<Event> kernels = new ArrayList<>();
        try (JsonReader in = new JsonReader(json)) {
            in.beginArray();
            while (in.hasNext()) readEvent(in, runs, kernels);
            in.endArray();
        }
        runs.sort(Comparator.comparingLong(Event::ts));
        if (runs.size() <= skipRuns) {
            throw new IllegalArgumentException("the trace holds " + runs.size() + " model_run events, not more than the " + skipRuns
                    + " to skip: was the session run after profiling was enabled?");
        }
        int kept = runs.size() - skipRuns;
        long[] starts = new long[runs.size()];
        for (int i = 0; i < starts.length; i++) starts[i] = runs.get(i).ts();
        Map<String, long[]> perNode = new LinkedHashMap<>();
        Map<String, String> opNames = new LinkedHashMap<>();
        kernels.sort(Comparator.comparingLong(Event::ts));
        for (Event k : kernels) {
            int run = runHolding(runs, starts, k.ts());
            if (run < skipRuns) continue;
            String node = k.name().substring(0, k.name().length() - KERNEL_SUFFIX.length());
            perNode.computeIfAbsent(node, n -> new long[kept])[run - skipRuns] += k.dur() * 1000;
            opNames.putIfAbsent(node, k.opName());
        }
        long[] totals = new long[kept];
        for (int r = 0; r < kept; r++) totals[r] = runs.get(r + skipRuns).dur() * 1000;
        return new Parsed(new NodeSamples(perNode, totals), opNames);
    }

    /** The index of the run whose interval holds {@code ts}, or -1 for a kernel outside every run. */
    private static int runHolding(List<Event> runs, long[] starts, long ts) {
        int i = Arrays.binarySearch(starts, ts);
        if (i < 0) i = -i - 2;
        if (i < 0) return -1;
        Event run = runs.get(i);
        return ts <= run.ts() + run.dur() ? i : -1;
    }

    /** Reads one event object; files it under runs or kernels when it is one of those. */
    private static void readEvent(JsonReader in, List<Event> runs, List<Event> kernels) throws IOException {
        if (in.peek() != JsonToken.BEGIN_OBJECT) {
            in.skipValue();
            return;
        }
        String cat = null, name = null, opName = null;
        long ts = -1, dur = -1;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "cat" -> cat = in.nextString();
                case "name" -> name = in.nextString();
                case "ts" -> ts = in.nextLong();
                case "dur" -> dur = in.nextLong();
                case "args" -> opName = readOpName(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        if (name == null || ts < 0 || dur < 0) return;
        if ("Session".equals(cat) && "model_run".equals(name)) runs.add(new Event(name, opName, ts, dur));
        else if ("Node".equals(cat) && name.endsWith(KERNEL_SUFFIX)) kernels.add(new Event(name, opName, ts, dur));
    }

    private static String readOpName(JsonReader in) throws IOException {
        if (in.peek() != JsonToken.BEGIN_OBJECT) {
            in.skipValue();
            return null;
        }
        String op = null;
        in.beginObject();
        while (in.hasNext()) {
            if (in.nextName().equals("op_name") && in.peek() == JsonToken.STRING) op = in.nextString();
            else in.skipValue();
        }
        in.endObject();
        return op;
    }
}
