package io.ramshift.engine.transfer;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.TransferException;
import io.ramshift.layout.AuthDescriptor;
import io.ramshift.layout.AuthFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The pre-shared-key handshake of a stream, between HELLO and HELLO_ACK: the receiver challenges with a fresh
 * nonce, the sender proves the key with HMAC-SHA256 over its HELLO and that nonce and sends a nonce of its own, and
 * the receiver proves the key back over both nonces. Neither end sends or writes an image byte before the other
 * proved the key; a replayed proof fails against a fresh nonce.
 */
public final class SessionAuthenticator
{
    /** Shortest key accepted (128 bits). */
    public static final int MIN_KEY_LENGTH = 16;
    private static final byte[] SENDER_LABEL = "ramshift-v1 sender".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECEIVER_LABEL = "ramshift-v1 receiver".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key the pre-shared key, at least {@link #MIN_KEY_LENGTH} bytes.
     */
    public SessionAuthenticator(final byte[] key)
    {
        if (key.length < MIN_KEY_LENGTH)
        {
            throw new RamshiftException("key too short: bytes=" + key.length + " min=" + MIN_KEY_LENGTH);
        }
        this.key = key.clone();
    }

    /**
     * @param keyFile a file holding the key (its bytes, trailing whitespace removed).
     * @return an authenticator with that key.
     */
    public static SessionAuthenticator fromFile(final Path keyFile)
    {
        try
        {
            final byte[] bytes = Files.readAllBytes(keyFile);
            int length = bytes.length;
            while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r' || bytes[length - 1] == ' '))
            {
                length--;
            }
            final byte[] key = Arrays.copyOf(bytes, length);
            Arrays.fill(bytes, (byte)0);
            if (key.length < MIN_KEY_LENGTH)
            {
                throw new RamshiftException("key file too short: path=" + keyFile + " bytes=" + key.length + " min=" +
                    MIN_KEY_LENGTH + " (e.g. head -c 32 /dev/urandom | base64 > " + keyFile + ")");
            }
            return new SessionAuthenticator(key);
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot read key file: path=" + keyFile + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Receiver side, after a HELLO with {@link ProtocolDescriptor#OPTION_AUTH}: challenge, check the sender's proof,
     * prove the key back. On a wrong proof the sender gets ERROR and this throws.
     *
     * @param frames the stream.
     * @param hello  the HELLO frame's bytes as received.
     */
    public void challenge(final FrameChannel frames, final byte[] hello)
    {
        // one authenticator serves every stream of a session at once: nothing per call is shared
        final AuthFlyweight frame = new AuthFlyweight();
        final byte[] receiverNonce = nonce();
        frame.wrap(frames.out(), 0);
        frame.encodeChallenge(receiverNonce);
        frames.writeControl(frame.frameLength());
        readProof(frames, frame, "AUTH_PROOF from the sender");
        final byte[] senderNonce = frame.nonce();
        if (!MessageDigest.isEqual(frame.mac(), mac(SENDER_LABEL, hello, receiverNonce, null)))
        {
            frames.sendError(ProtocolDescriptor.ERROR_AUTH, "authentication failed: the sender's proof does not " +
                "match this receiver's key");
            throw new TransferException("authentication failed: the sender did not prove the key (wrong key?)");
        }
        frame.wrap(frames.out(), 0);
        frame.encodeProof(new byte[AuthDescriptor.NONCE_LENGTH], mac(RECEIVER_LABEL, hello, receiverNonce,
            senderNonce));
        frames.writeControl(frame.frameLength());
    }

    /**
     * Sender side, after sending a HELLO with {@link ProtocolDescriptor#OPTION_AUTH}: answer the challenge and
     * check the receiver's proof before anything else is sent.
     *
     * @param frames the stream.
     * @param hello  the HELLO frame's bytes as sent.
     */
    public void prove(final FrameChannel frames, final byte[] hello)
    {
        final AuthFlyweight frame = new AuthFlyweight();
        final int type = frames.readFrame("AUTH_CHALLENGE");
        if (type != ProtocolDescriptor.TYPE_AUTH_CHALLENGE)
        {
            throw new LayoutException("expected AUTH_CHALLENGE, got " + ProtocolDescriptor.typeName(type));
        }
        frame.wrap(frames.in(), 0);
        frame.validate(ProtocolDescriptor.TYPE_AUTH_CHALLENGE);
        final byte[] receiverNonce = frame.nonce();
        final byte[] senderNonce = nonce();
        frame.wrap(frames.out(), 0);
        frame.encodeProof(senderNonce, mac(SENDER_LABEL, hello, receiverNonce, null));
        frames.writeControl(frame.frameLength());
        readProof(frames, frame, "AUTH_PROOF from the receiver");
        if (!MessageDigest.isEqual(frame.mac(), mac(RECEIVER_LABEL, hello, receiverNonce, senderNonce)))
        {
            frames.sendError(ProtocolDescriptor.ERROR_AUTH, "authentication failed: the receiver's proof does not " +
                "match this sender's key");
            throw new TransferException("authentication failed: the receiver did not prove the key (wrong key, or " +
                "not the receiver you meant)");
        }
    }

    private static void readProof(final FrameChannel frames, final AuthFlyweight frame, final String expecting)
    {
        final int type = frames.readFrame(expecting);
        if (type != ProtocolDescriptor.TYPE_AUTH_PROOF)
        {
            throw new LayoutException("expected " + expecting + ", got " + ProtocolDescriptor.typeName(type));
        }
        frame.wrap(frames.in(), 0);
        frame.validate(ProtocolDescriptor.TYPE_AUTH_PROOF);
    }

    private byte[] nonce()
    {
        final byte[] nonce = new byte[AuthDescriptor.NONCE_LENGTH];
        random.nextBytes(nonce);
        return nonce;
    }

    private byte[] mac(final byte[] label, final byte[] hello, final byte[] first, final byte[] second)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label);
            mac.update(hello);
            mac.update(first);
            if (second != null)
            {
                mac.update(second);
            }
            return mac.doFinal();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new RamshiftException("HMAC-SHA256 unavailable: " + ex.getMessage(), ex);
        }
    }
}
