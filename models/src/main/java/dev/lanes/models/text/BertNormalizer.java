package dev.lanes.models.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * BERT's text normalisation, in the order the Hugging Face {@code BertNormalizer} applies it:
 * clean the text (drop NUL, U+FFFD and other control/format characters; every whitespace becomes a
 * space), put spaces around CJK ideographs, strip accents (NFD, then drop non-spacing marks), lower-case.
 *
 * @param cleanText          drop control characters and unify whitespace
 * @param handleChineseChars surround each CJK ideograph with spaces, so it becomes its own word
 * @param stripAccents       decompose and drop combining marks ({@code null} in tokenizer.json means: as lowercase)
 * @param lowercase          lower-case (locale-independent)
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** The uncased BERT normaliser (all four steps). */
    public static BertNormalizer uncased() {
        return new BertNormalizer(true, true, true, true);
    }

    public String normalize(String text) {
        String s = text;
        if (cleanText || handleChineseChars) s = cleanAndSpace(s);
        if (stripAccents) s = stripAccents(s);
        if (lowercase) s = s.toLowerCase(Locale.ROOT);
        return s;
    }

    private String cleanAndSpace(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) continue;
                if (Chars.isWhitespace(c)) {
                    out.append(' ');
                    continue;
                }
            }
            if (handleChineseChars && Chars.isCjk(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
            } else {
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }

    /** Tab, newline and carriage return count as whitespace, not control; every other "other" category is dropped. */
    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    private static String stripAccents(String s) {
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            if (Character.getType(c) != Character.NON_SPACING_MARK) out.appendCodePoint(c);
        }
        return out.toString();
    }
}
