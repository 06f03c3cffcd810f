package io.ramshift.engine.transfer;

import java.nio.ByteBuffer;

/**
 * Where a sender gets the hypervisor's device state once the guest is stopped and its final round is on the wire
 * (for QEMU: what {@code migrate} writes with {@code x-ignore-shared}).
 */
@FunctionalInterface
public interface DeviceStateSource
{
    /**
     * @return the device state, from position to limit; at most
     * {@link io.ramshift.layout.ProtocolDescriptor#MAX_DEVICE_STATE_LENGTH} bytes.
     */
    ByteBuffer take();
}
