package dev.lanes.models.text;

import java.util.Map;

/**
 * WordPiece sub-word splitting: greedy longest match first from the start of the word, later pieces
 * carrying the continuation prefix ({@code ##}); a word with a piece that no vocabulary entry matches,
 * or longer than {@code maxInputCharsPerWord} characters, becomes the unknown token as a whole.
 */
public final class WordPiece {
    private final Map<String, Integer> vocab;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;

    public WordPiece(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord) {
        Integer unk = vocab.get(unkToken);
        if (unk == null) throw new IllegalArgumentException("the vocabulary has no unknown token '" + unkToken + "'");
        if (maxInputCharsPerWord < 1) throw new IllegalArgumentException("max_input_chars_per_word must be >= 1, got " + maxInputCharsPerWord);
        this.vocab = Map.copyOf(vocab);
        this.unkId = unk;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
    }

    public int unkId() {
        return unkId;
    }

    /** The id of a whole vocabulary entry, or -1. */
    public int id(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    public int size() {
        return vocab.size();
    }

    /** Appends the ids of one word's pieces to {@code out}. */
    public void tokenize(String word, IntList out) {
        int chars = word.codePointCount(0, word.length());
        if (chars > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            int found = -1;
            while (end > start) {
                String piece = start == 0 ? word.substring(start, end) : prefix + word.substring(start, end);
                Integer id = vocab.get(piece);
                if (id != null) {
                    found = id;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(found);
            start = end;
        }
    }
}
