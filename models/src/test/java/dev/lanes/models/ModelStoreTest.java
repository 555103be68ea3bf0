package dev.lanes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Fetches (or finds in the cache) every known model and checks that it is whole. */
class ModelStoreTest {

    @Test
    void everyKnownModelIsFetchedWhole() throws Exception {
        ModelStore store = ModelStore.standard();
        for (KnownModel m : KnownModel.values()) {
            Path p = store.path(m);
            assertTrue(Files.isRegularFile(p), m + " at " + p);
            assertEquals(m.sha256, ModelStore.sha256(p), m + " checksum");
        }
    }
}
