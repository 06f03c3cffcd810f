package io.ramshift.engine.postcopy;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Settings of a post-copy (or hybrid) migration; plain fields set once before the transfer starts. The sender
 * reads the push and prefetch settings and its connector, the receiver its reconnect window and switch callback.
 */
public final class PostcopySettings
{
    /** Opens one more connection to the receiver (the priority connection, and reconnects after a link drop). */
    public interface Connector
    {
        /**
         * @return a connected, blocking channel to the receiver's listening address.
         * @throws IOException when the receiver cannot be reached.
         */
        SocketChannel connect() throws IOException;
    }

    /** Neighbours (the pages after a demanded page, not sent yet) that travel with a demand reply. */
    public int prefetchPages = 15;
    /** How long both ends wait for a dropped link to come back before the session fails. */
    public long reconnectWindowMs = 60_000;
    /** Longest time between two acknowledgements of applied pages. */
    public long ackIntervalMs = 64;
    /** Applied pages after which an acknowledgement goes without waiting for the interval. */
    public int ackPages = 4096;
    /** Most pages of the hot list pushed first (pages dirtied in the last two pre-copy rounds). */
    public int hotPagesMax = 4096;
    /** Pages per background push frame (a demand's new position takes effect between frames). */
    public int pushFramePages = 64;
    /** Sender: LZ4-compress push frames by the pre-copy rules (a probe shrinks; while the link is the bottleneck). */
    public boolean lz4 = true;
    /** Sender: LZ4-compress push frames that shrink whatever the link. */
    public boolean lz4Always;
    /** Sender: LZ4-compress demand replies that shrink too (costs a reader's wait; off unless bytes matter most). */
    public boolean lz4Replies;
    /** Receiver: an outstanding demand with no reply on the priority connection for this long is a dead link
     * (the reconnect path runs); 0 for never. */
    public long demandTimeoutMs;
    /** Sender: opens the priority connection and reconnects; null in a receiver. */
    public Connector connector;
    /** Receiver: called at the switch with the image its readers (the guest) use; null for none. */
    public Consumer<PostcopyImage> onSwitch;
    /** Sender: called after each push frame was written (a fault-injection point for tests), or null. */
    public Runnable afterPushFrame;
}
