package dev.lanes.bench.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.models.ModelStore;
import dev.lanes.models.RealModel;
import dev.lanes.models.ReferenceCase;
import dev.lanes.models.TensorFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** ONNX Runtime, driven through the peer, reproduces the shared reference outputs of the real models. */
class OrtPeerTest {

    @ParameterizedTest
    @EnumSource(RealModel.class)
    void reproducesTheReferenceOutputs(RealModel model) {
        ReferenceCase ref = model.reference();
        for (int threads : new int[] {1, 2}) {
            try (OrtPeer peer = OrtPeer.open(model.modelPath(ModelStore.standard()), threads);
                 OrtPeer.Inputs in = peer.inputs()) {
                for (TensorFile t : ref.inputs()) in.from(t);
                Map<String, OrtPeer.Output> out = peer.run(in);
                for (TensorFile expected : ref.outputs()) {
                    OrtPeer.Output got = out.get(expected.name());
                    assertArrayEquals(expected.shape(), got.shape(), model + " " + expected.name() + " shape");
                    float[] want = expected.floats();
                    double worst = 0;
                    for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.floats()[i] - want[i]));
                    assertTrue(worst <= 1e-4, model + " " + expected.name() + " at " + threads + " threads: max |diff| " + worst);
                }
                assertEquals(ref.outputs().size(), peer.runDiscarding(in));
            }
        }
    }

    @Test
    void opensFromBytesAndNamesBadInputs() throws Exception {
        Path file = RealModel.PPOCR_MOBILE_V2_CLS.modelPath(ModelStore.standard());
        try (OrtPeer peer = OrtPeer.open(Files.readAllBytes(file), 1); OrtPeer.Inputs in = peer.inputs()) {
            assertEquals(java.util.List.of("x"), peer.inputNames());
            IllegalArgumentException noSuch = assertThrows(IllegalArgumentException.class,
                    () -> in.float32("y", new long[] {1}, new float[1]));
            assertTrue(noSuch.getMessage().contains("'y'"), noSuch.getMessage());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> in.float32("x", new long[] {1, 3, 48, 192}, new float[10]));
            assertTrue(size.getMessage().contains("27648"), size.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> peer.run(in));
            assertTrue(missing.getMessage().contains("[x]"), missing.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> OrtPeer.open(file, 0));
        assertThrows(IllegalArgumentException.class, () -> OrtPeer.open(file.resolveSibling("absent.onnx"), 1));
        IllegalStateException garbage = assertThrows(IllegalStateException.class, () -> OrtPeer.open(new byte[] {1, 2, 3}, 1));
        assertTrue(garbage.getMessage().contains("ONNX Runtime could not open"), garbage.getMessage());
    }
}
