package io.ramshift.tools;

import io.ramshift.engine.PeerErrorException;
import io.ramshift.layout.ProtocolDescriptor;

import java.util.concurrent.locks.LockSupport;

/**
 * Which failed sessions a retry may resume: connection failures, stalls and I/O failures at the destination (e.g.
 * a disk that was full); never a peer that refused on purpose (wrong key, unusable destination, protocol error).
 */
final class RetryPolicy
{
    private RetryPolicy()
    {
    }

    static boolean worthRetrying(final Throwable failure)
    {
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (t instanceof PeerErrorException)
            {
                final int code = ((PeerErrorException)t).code();
                // a journal found lying was invalidated: the next session sends everything
                return code == ProtocolDescriptor.ERROR_IO || code == ProtocolDescriptor.ERROR_SESSION ||
                    code == ProtocolDescriptor.ERROR_RESUME;
            }
        }
        return true;
    }

    static void pause(final long millis)
    {
        LockSupport.parkNanos(millis * 1_000_000L);
    }
}
