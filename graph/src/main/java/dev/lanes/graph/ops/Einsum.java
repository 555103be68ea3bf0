package dev.lanes.graph.ops;

import dev.lanes.graph.DType;
import dev.lanes.graph.Tensor;
import dev.lanes.graph.exec.OpSetup;
import dev.lanes.graph.exec.Operator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Einsum by its definition: every output element is the sum, over all values of the indices that do
 * not appear in the output, of the product of the operands' elements (accumulated in double). Supports
 * the explicit ({@code ->}) and implicit forms, repeated indices within an operand (diagonals) and
 * {@code ...} with numpy broadcasting. Meant for the small contractions models spell this way, not as a
 * GEMM.
 */
final class Einsum {
    private Einsum() {}

    static Operator create(OpSetup s) {
        String eq = s.getString("equation", null);
        if (eq == null) {
            throw s.invalid("attribute 'equation' is required");
        }
        String equation = eq.replace(" ", "");
        return (in, ctx) -> new Tensor[] {run(equation, in)};
    }

    static Tensor run(String equation, Tensor[] in) {
        String lhs = equation, rhs = null;
        int arrow = equation.indexOf("->");
        if (arrow >= 0) {
            lhs = equation.substring(0, arrow);
            rhs = equation.substring(arrow + 2);
        }
        String[] terms = lhs.split(",", -1);
        if (terms.length != in.length) {
            throw new IllegalArgumentException("Einsum equation '" + equation + "' has " + terms.length + " operands, the node has "
                    + in.length + " inputs");
        }
        DType type = IndexCopy.sameType("Einsum", in);
        // Expand "..." into private letters, right-aligned across operands.
        int ellipsisRank = 0;
        for (int t = 0; t < terms.length; t++) {
            if (terms[t].contains("...")) {
                ellipsisRank = Math.max(ellipsisRank, in[t].rank() - (terms[t].length() - 3));
            }
        }
        StringBuilder ell = new StringBuilder();
        for (int i = 0; i < ellipsisRank; i++) {
            ell.append((char) ('\u0100' + i));
        }
        String[] ops = new String[terms.length];
        for (int t = 0; t < terms.length; t++) {
            String term = terms[t];
            if (term.contains("...")) {
                int own = in[t].rank() - (term.length() - 3);
                term = term.replace("...", ell.substring(ellipsisRank - own));
            }
            if (term.length() != in[t].rank()) {
                throw new IllegalArgumentException("Einsum operand " + t + " '" + terms[t] + "' does not match its rank " + in[t].rank());
            }
            ops[t] = term;
        }
        String out;
        if (rhs != null) {
            out = rhs.replace("...", ell.toString());
        } else {
            Map<Character, Integer> counts = new LinkedHashMap<>();
            for (String o : ops) {
                for (char c : o.toCharArray()) {
                    counts.merge(c, 1, Integer::sum);
                }
            }
            TreeSet<Character> once = new TreeSet<>();
            counts.forEach((c, k) -> {
                if (k == 1 && c < '\u0100') {
                    once.add(c);
                }
            });
            StringBuilder sb = new StringBuilder(ell);
            once.forEach(sb::append);
            out = sb.toString();
        }
        // Sizes per letter (1 broadcasts).
        Map<Character, Integer> size = new LinkedHashMap<>();
        for (int t = 0; t < ops.length; t++) {
            for (int i = 0; i < ops[t].length(); i++) {
                char c = ops[t].charAt(i);
                int d = in[t].dim(i);
                Integer prev = size.get(c);
                if (prev == null || prev == 1) {
                    size.put(c, d);
                } else if (d != 1 && d != prev) {
                    throw new IllegalArgumentException("Einsum index '" + c + "' has sizes " + prev + " and " + d);
                }
            }
        }
        List<Character> letters = new ArrayList<>();
        for (char c : out.toCharArray()) {
            if (!size.containsKey(c)) {
                throw new IllegalArgumentException("Einsum output index '" + c + "' appears in no operand");
            }
            letters.add(c);
        }
        int outRank = letters.size();
        for (char c : size.keySet()) {
            if (!letters.contains(c)) {
                letters.add(c);
            }
        }
        int nl = letters.size();
        int[] extent = new int[nl];
        for (int i = 0; i < nl; i++) {
            extent[i] = size.get(letters.get(i));
        }
        int[] outShape = new int[outRank];
        System.arraycopy(extent, 0, outShape, 0, outRank);
        // Per operand: stride of each letter (0 where absent or broadcast).
        int[][] strides = new int[ops.length][nl];
        for (int t = 0; t < ops.length; t++) {
            int[] st = Shapes.strides(in[t].shape());
            for (int i = 0; i < ops[t].length(); i++) {
                int l = letters.indexOf(ops[t].charAt(i));
                if (in[t].dim(i) != 1 || extent[l] == 1) {
                    strides[t][l] += st[i];
                }
            }
        }
        int outN = Tensor.checkedSize(outShape);
        long inner = 1;
        for (int i = outRank; i < nl; i++) {
            inner *= extent[i];
        }
        if (outN * inner > (1L << 31)) {
            throw new IllegalArgumentException("Einsum '" + equation + "' needs " + outN * inner + " products");
        }
        double[] y = new double[outN];
        int[] pos = new int[nl];
        int[] off = new int[ops.length];
        long total = outN * inner;
        for (long k = 0; k < total; k++) {
            double p = 1;
            for (int t = 0; t < ops.length; t++) {
                p *= in[t].getDouble(off[t]);
            }
            int o = (int) (k / inner);
            y[o] += p;
            for (int d = nl - 1; d >= 0; d--) {
                pos[d]++;
                for (int t = 0; t < ops.length; t++) {
                    off[t] += strides[t][d];
                }
                if (pos[d] < extent[d]) {
                    break;
                }
                for (int t = 0; t < ops.length; t++) {
                    off[t] -= strides[t][d] * pos[d];
                }
                pos[d] = 0;
            }
        }
        if (type.isFloatingPoint()) {
            return Cast.convert(Tensor.ofDoubles(y, outShape), type);
        }
        long[] l = new long[outN];
        for (int i = 0; i < outN; i++) {
            l[i] = (long) y[i];
        }
        return Cast.fromLongs(l, type, outShape);
    }
}
