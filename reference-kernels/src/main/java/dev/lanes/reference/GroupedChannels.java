package dev.lanes.reference;

/** Channels split into {@code groups} equal parts, each output group reading only its input group (Conv, ConvTranspose). */
public interface GroupedChannels {
    int inChannels();

    int outChannels();

    int groups();

    default int inChannelsPerGroup() {
        return inChannels() / groups();
    }

    default int outChannelsPerGroup() {
        return outChannels() / groups();
    }
}
