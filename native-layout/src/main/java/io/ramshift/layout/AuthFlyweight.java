package io.ramshift.layout;

import static io.ramshift.layout.AuthDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_AUTH_CHALLENGE;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_AUTH_PROOF;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of AUTH_CHALLENGE and AUTH_PROOF (see {@link AuthDescriptor}).
 */
public final class AuthFlyweight extends FrameFlyweight
{
    /**
     * Write an AUTH_CHALLENGE.
     *
     * @param nonce {@link AuthDescriptor#NONCE_LENGTH} bytes.
     * @return this for a fluent API.
     */
    public AuthFlyweight encodeChallenge(final byte[] nonce)
    {
        header(CHALLENGE_LENGTH, TYPE_AUTH_CHALLENGE);
        buffer.putInt(offset + ALGORITHM_OFFSET, ALGORITHM_HMAC_SHA256, LITTLE_ENDIAN);
        buffer.putInt(offset + RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        buffer.putBytes(offset + NONCE_OFFSET, nonce, 0, NONCE_LENGTH);
        return this;
    }

    /**
     * Write an AUTH_PROOF.
     *
     * @param nonce {@link AuthDescriptor#NONCE_LENGTH} bytes.
     * @param mac   {@link AuthDescriptor#MAC_LENGTH} bytes.
     * @return this for a fluent API.
     */
    public AuthFlyweight encodeProof(final byte[] nonce, final byte[] mac)
    {
        header(PROOF_LENGTH, TYPE_AUTH_PROOF);
        buffer.putInt(offset + ALGORITHM_OFFSET, ALGORITHM_HMAC_SHA256, LITTLE_ENDIAN);
        buffer.putInt(offset + RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        buffer.putBytes(offset + NONCE_OFFSET, nonce, 0, NONCE_LENGTH);
        buffer.putBytes(offset + MAC_OFFSET, mac, 0, MAC_LENGTH);
        return this;
    }

    /**
     * Check a frame of the given type: length, algorithm, reserved word.
     *
     * @param type {@link ProtocolDescriptor#TYPE_AUTH_CHALLENGE} or {@code TYPE_AUTH_PROOF}.
     * @return this for a fluent API.
     */
    public AuthFlyweight validate(final int type)
    {
        checkHeader(type, type == TYPE_AUTH_CHALLENGE ? CHALLENGE_LENGTH : PROOF_LENGTH);
        final int algorithm = buffer.getInt(offset + ALGORITHM_OFFSET, LITTLE_ENDIAN);
        if (algorithm != ALGORITHM_HMAC_SHA256)
        {
            throw new LayoutException("unknown authentication algorithm: algorithm=" + algorithm);
        }
        if (buffer.getInt(offset + RESERVED_OFFSET, LITTLE_ENDIAN) != 0)
        {
            throw new LayoutException("authentication frame reserved word is not zero");
        }
        return this;
    }

    /** @return a copy of the nonce. */
    public byte[] nonce()
    {
        final byte[] nonce = new byte[NONCE_LENGTH];
        buffer.getBytes(offset + NONCE_OFFSET, nonce);
        return nonce;
    }

    /** @return a copy of the MAC of an AUTH_PROOF. */
    public byte[] mac()
    {
        final byte[] mac = new byte[MAC_LENGTH];
        buffer.getBytes(offset + MAC_OFFSET, mac);
        return mac;
    }
}
