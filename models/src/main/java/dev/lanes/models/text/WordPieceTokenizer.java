package dev.lanes.models.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT WordPiece tokenizer as a Hugging Face {@code tokenizer.json} describes it: added (special)
 * tokens matched verbatim first, then {@link BertNormalizer}, {@link BertPreTokenizer} and
 * {@link WordPiece}; truncation to {@code maxLength} including [CLS] and [SEP]; padding.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class WordPieceTokenizer {
    private final BertNormalizer normalizer;
    private final WordPiece wordPiece;
    private final List<String> addedTokens;   // longest first, so "[MASK]" is tried before any prefix of it
    private final Map<String, Integer> addedIds;
    private final int clsId;
    private final int sepId;
    private final int maxLength;
    private final Padding padding;

    /**
     * @param addedTokens tokens matched verbatim in the raw text before normalisation ([CLS], [SEP], ...)
     * @param maxLength   the most tokens an encoding holds, [CLS] and [SEP] included (0: no limit)
     * @param padding     the padding {@link #encodeBatch(List)} uses
     */
    public WordPieceTokenizer(BertNormalizer normalizer, WordPiece wordPiece, Map<String, Integer> addedTokens,
                              String clsToken, String sepToken, int maxLength, Padding padding) {
        this(normalizer, wordPiece, Map.copyOf(addedTokens), tokenId(wordPiece, addedTokens, clsToken),
                tokenId(wordPiece, addedTokens, sepToken), maxLength, padding);
    }

    private WordPieceTokenizer(BertNormalizer normalizer, WordPiece wordPiece, Map<String, Integer> addedTokens,
                               int clsId, int sepId, int maxLength, Padding padding) {
        if (maxLength != 0 && maxLength < 3) throw new IllegalArgumentException("max length must be 0 or >= 3, got " + maxLength);
        this.normalizer = normalizer;
        this.wordPiece = wordPiece;
        this.addedIds = addedTokens;
        List<String> sorted = new ArrayList<>(addedTokens.keySet());
        sorted.removeIf(String::isEmpty);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.addedTokens = List.copyOf(sorted);
        this.clsId = clsId;
        this.sepId = sepId;
        this.maxLength = maxLength;
        this.padding = padding;
    }

    private static int tokenId(WordPiece wordPiece, Map<String, Integer> added, String token) {
        Integer id = added.get(token);
        int found = id != null ? id : wordPiece.id(token);
        if (found < 0) throw new IllegalArgumentException("the tokenizer has no token '" + token + "'");
        return found;
    }

    /** Reads a Hugging Face {@code tokenizer.json} whose model is WordPiece with a BERT normaliser. */
    public static WordPieceTokenizer fromJson(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(JsonParser.parseString(text).getAsJsonObject());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static WordPieceTokenizer fromJson(JsonObject root) {
        JsonObject model = object(root, "model");
        String type = model.has("type") ? model.get("type").getAsString() : "";
        if (!type.equals("WordPiece")) throw new IllegalArgumentException("model.type is '" + type + "', only WordPiece is supported");
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : object(model, "vocab").entrySet()) vocab.put(e.getKey(), e.getValue().getAsInt());
        WordPiece wp = new WordPiece(vocab, string(model, "unk_token", "[UNK]"),
                string(model, "continuing_subword_prefix", "##"), integer(model, "max_input_chars_per_word", 100));

        BertNormalizer normalizer = BertNormalizer.uncased();
        JsonElement n = root.get("normalizer");
        if (n != null && !n.isJsonNull()) {
            JsonObject no = n.getAsJsonObject();
            String nt = string(no, "type", "");
            if (!nt.equals("BertNormalizer")) throw new IllegalArgumentException("normalizer.type is '" + nt + "', only BertNormalizer is supported");
            boolean lower = bool(no, "lowercase", true);
            JsonElement strip = no.get("strip_accents");
            normalizer = new BertNormalizer(bool(no, "clean_text", true), bool(no, "handle_chinese_chars", true),
                    strip == null || strip.isJsonNull() ? lower : strip.getAsBoolean(), lower);
        }

        Map<String, Integer> added = new HashMap<>();
        JsonElement at = root.get("added_tokens");
        if (at != null && at.isJsonArray()) {
            for (JsonElement e : at.getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                added.put(o.get("content").getAsString(), o.get("id").getAsInt());
            }
        }

        int maxLength = 512;
        JsonElement tr = root.get("truncation");
        if (tr != null && !tr.isJsonNull()) maxLength = integer(tr.getAsJsonObject(), "max_length", 512);

        Padding padding = Padding.longest(0);
        JsonElement pd = root.get("padding");
        if (pd != null && !pd.isJsonNull()) {
            JsonObject po = pd.getAsJsonObject();
            int padId = integer(po, "pad_id", 0);
            JsonElement strategy = po.get("strategy");
            if (strategy != null && strategy.isJsonObject() && strategy.getAsJsonObject().has("Fixed")) {
                padding = new Padding(strategy.getAsJsonObject().get("Fixed").getAsInt(), padId, integer(po, "pad_type_id", 0));
            } else {
                padding = new Padding(0, padId, integer(po, "pad_type_id", 0));
            }
        }
        return new WordPieceTokenizer(normalizer, wp, added, "[CLS]", "[SEP]", maxLength, padding);
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) throw new IllegalArgumentException("missing object '" + key + "'");
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String key, String dflt) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? dflt : e.getAsString();
    }

    private static int integer(JsonObject o, String key, int dflt) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? dflt : e.getAsInt();
    }

    private static boolean bool(JsonObject o, String key, boolean dflt) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? dflt : e.getAsBoolean();
    }

    /** The same tokenizer with another maximum length ([CLS] and [SEP] included; 0: no limit). */
    public WordPieceTokenizer withMaxLength(int newMaxLength) {
        return new WordPieceTokenizer(normalizer, wordPiece, addedIds, clsId, sepId, newMaxLength, padding);
    }

    /** The same tokenizer with another padding for batches. */
    public WordPieceTokenizer withPadding(Padding newPadding) {
        return new WordPieceTokenizer(normalizer, wordPiece, addedIds, clsId, sepId, maxLength, newPadding);
    }

    public int maxLength() {
        return maxLength;
    }

    public Padding padding() {
        return padding;
    }

    public int vocabularySize() {
        return wordPiece.size();
    }

    /** The ids of a text's tokens, without [CLS]/[SEP] and without truncation. */
    public int[] tokenIds(String text) {
        IntList out = new IntList();
        int from = 0;
        while (from < text.length()) {
            int at = -1;
            String token = null;
            for (int i = from; i < text.length() && at < 0; i++) {
                for (String t : addedTokens) {
                    if (text.startsWith(t, i)) {
                        at = i;
                        token = t;
                        break;
                    }
                }
            }
            int end = at < 0 ? text.length() : at;
            for (String word : BertPreTokenizer.split(normalizer.normalize(text.substring(from, end)))) {
                wordPiece.tokenize(word, out);
            }
            if (at < 0) break;
            out.add(addedIds.get(token));
            from = at + token.length();
        }
        return out.toArray();
    }

    /** One text as [CLS] tokens [SEP], truncated on the right to the maximum length. */
    public Encoding encode(String text) {
        int[] tokens = tokenIds(text);
        int room = maxLength == 0 ? tokens.length : Math.min(tokens.length, maxLength - 2);
        int[] ids = new int[room + 2];
        ids[0] = clsId;
        System.arraycopy(tokens, 0, ids, 1, room);
        ids[room + 1] = sepId;
        return new Encoding(ids, room < tokens.length);
    }

    /** A batch of texts, each encoded and all padded as {@link #padding()} says. */
    public BatchEncoding encodeBatch(List<String> texts) {
        return encodeBatch(texts, padding);
    }

    public BatchEncoding encodeBatch(List<String> texts, Padding pad) {
        if (texts.isEmpty()) throw new IllegalArgumentException("no texts to encode");
        List<Encoding> encodings = new ArrayList<>(texts.size());
        int longest = 0;
        for (String t : texts) {
            Encoding e = encode(t);
            encodings.add(e);
            longest = Math.max(longest, e.length());
        }
        int length = pad.isFixed() ? Math.max(pad.fixedLength(), longest) : longest;
        int b = texts.size();
        long[] ids = new long[Math.multiplyExact(b, length)];
        long[] mask = new long[ids.length];
        long[] types = new long[ids.length];
        for (int i = 0; i < b; i++) {
            Encoding e = encodings.get(i);
            int row = i * length;
            for (int s = 0; s < length; s++) {
                boolean real = s < e.length();
                ids[row + s] = real ? e.id(s) : pad.padId();
                mask[row + s] = real ? 1 : 0;
                types[row + s] = real ? 0 : pad.padTypeId();
            }
        }
        return new BatchEncoding(b, length, ids, mask, types);
    }
}
