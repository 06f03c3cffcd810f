package io.ramshift.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a link can do, measured in the same run as the benchmark that relies on it: one TCP stream's bandwidth
 * (1 GiB in 4 MiB writes) and the round trip of a one-byte request and its 4 KiB answer (the shape of a
 * post-copy demand fault without the engine), median of 1,000. Runs as two processes so each end can sit in its
 * own network namespace.
 * <p>
 * {@code LinkProbe serve PORT} answers one bandwidth and one round-trip connection, then exits;
 * {@code LinkProbe probe HOST PORT} prints {@code gbps=<GB/s> rttMicros=<median µs> rttP99Micros=<µs>}.
 */
public final class LinkProbe
{
    private static final long BANDWIDTH_BYTES = 1L << 30;
    private static final int ROUND_TRIPS = 1_000;
    private static final int ANSWER_BYTES = 4096;

    private LinkProbe()
    {
    }

    /**
     * @param args {@code serve PORT} or {@code probe HOST PORT}.
     * @throws IOException when the link fails.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length == 2 && "serve".equals(args[0]))
        {
            serve(Integer.parseInt(args[1]));
        }
        else if (args.length == 3 && "probe".equals(args[0]))
        {
            probe(new InetSocketAddress(args[1], Integer.parseInt(args[2])));
        }
        else
        {
            System.err.println("usage: LinkProbe serve PORT | LinkProbe probe HOST PORT");
            System.exit(2);
        }
    }

    private static void serve(final int port) throws IOException
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            server.bind(new InetSocketAddress(port));
            try (SocketChannel bulk = server.accept())
            {
                final ByteBuffer in = ByteBuffer.allocateDirect(4 << 20);
                long read = 0;
                while (read < BANDWIDTH_BYTES)
                {
                    in.clear();
                    final int n = bulk.read(in);
                    if (n < 0)
                    {
                        throw new IOException("bandwidth connection closed after " + read + " bytes");
                    }
                    read += n;
                }
                in.clear().limit(1);
                bulk.write(in.put(0, (byte)1));
            }
            try (SocketChannel pings = server.accept())
            {
                pings.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final ByteBuffer request = ByteBuffer.allocateDirect(1);
                final ByteBuffer answer = ByteBuffer.allocateDirect(ANSWER_BYTES);
                for (int i = 0; i < ROUND_TRIPS; i++)
                {
                    request.clear();
                    while (request.hasRemaining())
                    {
                        if (pings.read(request) < 0)
                        {
                            throw new IOException("round-trip connection closed after " + i);
                        }
                    }
                    answer.clear();
                    while (answer.hasRemaining())
                    {
                        pings.write(answer);
                    }
                }
            }
        }
    }

    private static void probe(final InetSocketAddress address) throws IOException
    {
        final double gbps;
        try (SocketChannel bulk = SocketChannel.open())
        {
            bulk.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            bulk.connect(address);
            final ByteBuffer out = ByteBuffer.allocateDirect(4 << 20);
            final long start = System.nanoTime();
            long written = 0;
            while (written < BANDWIDTH_BYTES)
            {
                out.clear();
                out.limit((int)Math.min(out.capacity(), BANDWIDTH_BYTES - written));
                written += bulk.write(out);
            }
            // the receiver's one-byte answer: every byte arrived, not just left this socket's buffer
            final ByteBuffer done = ByteBuffer.allocateDirect(1);
            if (bulk.read(done) != 1)
            {
                throw new IOException("no end-of-bandwidth answer from " + address);
            }
            gbps = BANDWIDTH_BYTES / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
        final long[] nanos = new long[ROUND_TRIPS];
        try (SocketChannel pings = SocketChannel.open())
        {
            // the server's listen backlog holds this connection until it accepts it
            pings.connect(address);
            pings.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final ByteBuffer request = ByteBuffer.allocateDirect(1);
            final ByteBuffer answer = ByteBuffer.allocateDirect(ANSWER_BYTES);
            for (int i = 0; i < ROUND_TRIPS; i++)
            {
                final long start = System.nanoTime();
                request.clear();
                pings.write(request);
                answer.clear();
                while (answer.hasRemaining())
                {
                    if (pings.read(answer) < 0)
                    {
                        throw new IOException("round-trip connection closed after " + i);
                    }
                }
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "gbps=%.3f rttMicros=%.1f rttP99Micros=%.1f%n", gbps,
            nanos[ROUND_TRIPS / 2] / 1e3, nanos[ROUND_TRIPS * 99 / 100] / 1e3);
    }
}
