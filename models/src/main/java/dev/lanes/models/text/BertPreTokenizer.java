package dev.lanes.models.text;

import java.util.ArrayList;
import java.util.List;

/** Splits normalised text into words: on whitespace (dropped) and around every punctuation character (kept alone). */
public final class BertPreTokenizer {
    private BertPreTokenizer() {}

    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (Chars.isWhitespace(c)) {
                if (start >= 0) words.add(text.substring(start, i));
                start = -1;
            } else if (Chars.isPunctuation(c)) {
                if (start >= 0) words.add(text.substring(start, i));
                words.add(text.substring(i, next));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0) words.add(text.substring(start));
        return words;
    }
}
