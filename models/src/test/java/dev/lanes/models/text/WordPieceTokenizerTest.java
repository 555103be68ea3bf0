package dev.lanes.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.models.KnownModel;
import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import dev.lanes.models.ReferenceCase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {

    /** The MiniLM tokenizer reproduces the shared reference input exactly: ids, mask and types, padded to 128. */
    @Test
    void reproducesTheMiniLmReferenceIds() {
        ReferenceCase ref = RealModel.MINILM_L6_V2.reference();
        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(ModelStore.standard().path(KnownModel.MINILM_L6_V2_TOKENIZER));
        BatchEncoding enc = tok.encodeBatch(List.of(ref.text()));
        assertEquals(128, enc.length());
        assertArrayEquals(ref.input("input_ids").longs(), enc.inputIds());
        assertArrayEquals(ref.input("attention_mask").longs(), enc.attentionMask());
        assertArrayEquals(ref.input("token_type_ids").longs(), enc.tokenTypeIds());
        assertEquals(75, enc.realTokens(0));
    }

    /** A tiny vocabulary makes every rule visible. */
    private static final String[] VOCAB = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "hello",
        "world", ",", "!", "$", "5", "中", "文", "a", "b", "ab", "cafe", "##s", "x"};

    private static WordPieceTokenizer tiny(int maxChars) {
        Map<String, Integer> vocab = new HashMap<>();
        for (int i = 0; i < VOCAB.length; i++) vocab.put(VOCAB[i], i);
        Map<String, Integer> added = Map.of("[PAD]", 0, "[UNK]", 1, "[CLS]", 2, "[SEP]", 3, "[MASK]", 4);
        return new WordPieceTokenizer(BertNormalizer.uncased(), new WordPiece(vocab, "[UNK]", "##", maxChars),
                added, "[CLS]", "[SEP]", 16, Padding.longest(0));
    }

    private static int[] ids(String... tokens) {
        List<String> v = List.of(VOCAB);
        int[] out = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) out[i] = v.indexOf(tokens[i]);
        return out;
    }

    @Test
    void splitsWordsIntoLongestPieces() {
        assertArrayEquals(ids("un", "##aff", "##able"), tiny(100).tokenIds("unaffable"));
        assertArrayEquals(ids("ab"), tiny(100).tokenIds("ab"));
        assertArrayEquals(ids("cafe", "##s"), tiny(100).tokenIds("cafes"));
    }

    @Test
    void aWordWithAnUnknownPieceIsUnknownAsAWhole() {
        assertArrayEquals(ids("[UNK]"), tiny(100).tokenIds("unaffablez"));
        assertArrayEquals(ids("[UNK]", "hello"), tiny(100).tokenIds("zzz hello"));
    }

    @Test
    void aWordLongerThanTheLimitIsUnknown() {
        assertArrayEquals(ids("[UNK]"), tiny(8).tokenIds("unaffable"));
        assertArrayEquals(ids("un", "##aff", "##able"), tiny(9).tokenIds("unaffable"));
    }

    @Test
    void lowerCasesAndStripsAccents() {
        assertArrayEquals(ids("hello", "world"), tiny(100).tokenIds("HÉLLO Wörld"));
        assertArrayEquals(ids("cafe"), tiny(100).tokenIds("Café"));
        // a decomposed accent (e + U+0301) is stripped the same way
        assertArrayEquals(ids("cafe"), tiny(100).tokenIds("Cafe\u0301"));
    }

    @Test
    void splitsPunctuationIncludingAsciiSymbols() {
        assertArrayEquals(ids("hello", ",", "world", "!"), tiny(100).tokenIds("hello,world!"));
        assertArrayEquals(ids("$", "5"), tiny(100).tokenIds("$5"));
    }

    @Test
    void splitsCjkIdeographsIntoWords() {
        assertArrayEquals(ids("中", "文"), tiny(100).tokenIds("中文"));
        assertArrayEquals(ids("a", "中", "b"), tiny(100).tokenIds("a中b"));
    }

    @Test
    void cleansControlCharactersAndUnifiesWhitespace() {
        assertArrayEquals(ids("ab"), tiny(100).tokenIds("a\u0000b"));
        assertArrayEquals(ids("ab"), tiny(100).tokenIds("a\u200Bb"));   // zero-width space is a format character
        assertArrayEquals(ids("a", "b"), tiny(100).tokenIds("a\tb"));
        assertArrayEquals(ids("a", "b"), tiny(100).tokenIds("\u3000a\u00A0b\n"));
    }

    @Test
    void specialTokensInTheTextAreKeptVerbatim() {
        assertArrayEquals(ids("hello", "[SEP]", "world", "[MASK]"), tiny(100).tokenIds("Hello[SEP]world [MASK]"));
        // only the exact spelling is special: lower-case is ordinary text
        assertArrayEquals(ids("[UNK]", "[UNK]", "[UNK]"), tiny(100).tokenIds("[sep]"));
    }

    @Test
    void encodesWithClsAndSepAndTruncatesOnTheRight() {
        WordPieceTokenizer t = tiny(100).withMaxLength(5);
        Encoding e = t.encode("hello world hello world");
        assertArrayEquals(ids("[CLS]", "hello", "world", "hello", "[SEP]"), e.ids());
        assertTrue(e.truncated());
        Encoding empty = t.encode("");
        assertArrayEquals(ids("[CLS]", "[SEP]"), empty.ids());
        assertFalse(empty.truncated());
        assertThrows(IllegalArgumentException.class, () -> tiny(100).withMaxLength(2));
    }

    @Test
    void padsABatchToItsLongestOrToAFixedLength() {
        BatchEncoding b = tiny(100).encodeBatch(List.of("hello", "hello world !"));
        assertEquals(2, b.batch());
        assertEquals(5, b.length());
        assertArrayEquals(new long[] {2, 8, 3, 0, 0, 2, 8, 9, 11, 3}, b.inputIds());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.attentionMask());
        assertArrayEquals(new long[10], b.tokenTypeIds());
        assertEquals(3, b.realTokens(0));

        BatchEncoding f = tiny(100).encodeBatch(List.of("x"), Padding.fixed(6, 0));
        assertArrayEquals(new long[] {2, 21, 3, 0, 0, 0}, f.inputIds());
        assertThrows(IllegalArgumentException.class, () -> tiny(100).encodeBatch(List.of()));
    }

    @Test
    void rejectsATokenizerJsonOfAnotherKind() {
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}").getAsJsonObject();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordPieceTokenizer.fromJson(root));
        assertTrue(e.getMessage().contains("BPE"), e.getMessage());
    }
}
