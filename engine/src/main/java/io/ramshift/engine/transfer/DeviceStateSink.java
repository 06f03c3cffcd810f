package io.ramshift.engine.transfer;

import java.nio.ByteBuffer;

/**
 * Where a receiver hands the device state, only after every page of the image is written and verified in the
 * destination file (for QEMU: {@code migrate-incoming}, then {@code cont}). Runs before RESULT is sent, so the
 * sender learns whether the destination took it; a failure is reported as
 * {@link io.ramshift.layout.ProtocolDescriptor#ERROR_DEVICE_STATE}.
 */
@FunctionalInterface
public interface DeviceStateSink
{
    /**
     * @param state the device state, from position to limit.
     */
    void load(ByteBuffer state);
}
