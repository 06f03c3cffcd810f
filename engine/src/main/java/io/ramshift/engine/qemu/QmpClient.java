package io.ramshift.engine.qemu;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of QEMU's monitor protocol (QMP) on a unix socket: one JSON object per line each way; commands are
 * answered in order by {@code return} or {@code error}, and asynchronous events (STOP, RESUME, MIGRATION …) may
 * arrive in between, so they are queued with QEMU's own timestamps for {@link #awaitEvent}. Every read is bounded
 * by a timeout. One thread at a time.
 */
public final class QmpClient implements AutoCloseable
{
    /** Longest line QEMU may send (a query-migrate answer is a few hundred bytes). */
    private static final int MAX_LINE = 1 << 20;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final StringBuilder line = new StringBuilder();
    private final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();

    private QmpClient(final Path socket, final SocketChannel channel, final Selector selector)
    {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
        in.flip();
    }

    /**
     * Connect, read the greeting and leave capabilities negotiation mode.
     *
     * @param socket    QMP unix socket of a running QEMU ({@code -qmp unix:PATH,server=on,wait=off}).
     * @param timeoutMs longest wait for the greeting and the answer.
     * @return a client in command mode.
     */
    public static QmpClient connect(final Path socket, final long timeoutMs)
    {
        SocketChannel channel = null;
        Selector selector = null;
        try
        {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            final QmpClient client = new QmpClient(socket, channel, selector);
            final Map<String, Object> greeting = client.readObject(System.currentTimeMillis() + timeoutMs,
                "greeting");
            if (!greeting.containsKey("QMP"))
            {
                throw new QmpException("not a QMP greeting from " + socket + ": " + greeting);
            }
            client.execute("qmp_capabilities", null, timeoutMs);
            return client;
        }
        catch (final IOException ex)
        {
            closeQuietly(selector, channel);
            throw new QmpException("cannot connect to QMP socket " + socket + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(selector, channel);
            throw ex;
        }
    }

    /**
     * Load and initialise the JSON reader and writer now (about 0.1 s on a cold JVM), e.g. on a background thread
     * while the command line is parsed.
     */
    public static void preload()
    {
        try
        {
            JSON.std.mapFrom(JSON.std.asString(Map.of("execute", "qmp_capabilities")));
        }
        catch (final IOException ex)
        {
            throw new QmpException("JSON self-check failed: " + ex.getMessage(), ex);
        }
    }

    /** @return the monitor socket. */
    public Path socket()
    {
        return socket;
    }

    /**
     * Run a command and wait for its answer.
     *
     * @param command   QMP command name.
     * @param arguments its arguments, or null.
     * @param timeoutMs longest wait for the answer.
     * @return the {@code return} value (an object, a list, or an empty map).
     */
    public Object execute(final String command, final Map<String, Object> arguments, final long timeoutMs)
    {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("execute", command);
        if (arguments != null)
        {
            request.put("arguments", arguments);
        }
        final long deadline = System.currentTimeMillis() + timeoutMs;
        try
        {
            final ByteBuffer out = ByteBuffer.wrap((JSON.std.asString(request) + "\n")
                .getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining())
            {
                if (channel.write(out) == 0)
                {
                    await(SelectionKey.OP_WRITE, deadline, command);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new QmpException("QMP " + command + " on " + socket + " failed: " + ex.getMessage(), ex);
        }
        while (true)
        {
            final Map<String, Object> answer = readObject(deadline, command);
            if (answer.containsKey("event"))
            {
                events.add(answer);
                continue;
            }
            if (answer.containsKey("error"))
            {
                throw new QmpException("QEMU refused " + command + " on " + socket + ": " + answer.get("error"));
            }
            if (answer.containsKey("return"))
            {
                final Object value = answer.get("return");
                return value == null ? Map.of() : value;
            }
            throw new QmpException("unexpected QMP answer to " + command + " on " + socket + ": " + answer);
        }
    }

    /**
     * Run a command whose answer is an object.
     *
     * @param command   QMP command name.
     * @param arguments its arguments, or null.
     * @param timeoutMs longest wait for the answer.
     * @return the answer.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> query(final String command, final Map<String, Object> arguments, final long timeoutMs)
    {
        final Object value = execute(command, arguments, timeoutMs);
        if (!(value instanceof Map))
        {
            throw new QmpException("QMP " + command + " on " + socket + " answered " + value + ", not an object");
        }
        return (Map<String, Object>)value;
    }

    /**
     * @param timeoutMs longest wait.
     * @return the run state ({@code running}, {@code paused}, {@code inmigrate}, {@code postmigrate} …).
     */
    public String status(final long timeoutMs)
    {
        return String.valueOf(query("query-status", null, timeoutMs).get("status"));
    }

    /**
     * Wait for an event, taking it from the queue if it already arrived.
     *
     * @param name      event name, e.g. {@code STOP}.
     * @param timeoutMs longest wait.
     * @return the event (with QEMU's {@code timestamp}).
     */
    public Map<String, Object> awaitEvent(final String name, final long timeoutMs)
    {
        final Map<String, Object> queued = takeEvent(name);
        if (queued != null)
        {
            return queued;
        }
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            final Map<String, Object> message = readObject(deadline, "event " + name);
            if (name.equals(message.get("event")))
            {
                return message;
            }
            if (message.containsKey("event"))
            {
                events.add(message);
            }
        }
    }

    /**
     * @param name event name.
     * @return the oldest queued event of that name, removed from the queue, or null.
     */
    public Map<String, Object> takeEvent(final String name)
    {
        for (final Iterator<Map<String, Object>> it = events.iterator(); it.hasNext(); )
        {
            final Map<String, Object> event = it.next();
            if (name.equals(event.get("event")))
            {
                it.remove();
                return event;
            }
        }
        return null;
    }

    /** Forget queued events (before an action whose events are awaited). */
    public void clearEvents()
    {
        events.clear();
    }

    /**
     * @param event a QMP event.
     * @return its timestamp in microseconds since the epoch (QEMU's host wall clock).
     */
    public static long eventMicros(final Map<String, Object> event)
    {
        final Object timestamp = event.get("timestamp");
        if (!(timestamp instanceof Map))
        {
            throw new QmpException("QMP event without timestamp: " + event);
        }
        final Map<?, ?> fields = (Map<?, ?>)timestamp;
        return ((Number)fields.get("seconds")).longValue() * 1_000_000L +
            ((Number)fields.get("microseconds")).longValue();
    }

    /**
     * @param name   capability name.
     * @param enable new state.
     * @return a {@code migrate-set-capabilities} argument map.
     */
    public static Map<String, Object> capability(final String name, final boolean enable)
    {
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("capability", name);
        entry.put("state", enable);
        final Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("capabilities", List.of(entry));
        return arguments;
    }

    public void close()
    {
        closeQuietly(selector, channel);
    }

    private Map<String, Object> readObject(final long deadline, final String what)
    {
        while (true)
        {
            while (in.hasRemaining())
            {
                final char c = (char)(in.get() & 0xFF);
                if (c == '\n')
                {
                    final String text = line.toString().trim();
                    line.setLength(0);
                    if (text.isEmpty())
                    {
                        continue;
                    }
                    try
                    {
                        return JSON.std.mapFrom(text);
                    }
                    catch (final IOException ex)
                    {
                        throw new QmpException("malformed QMP message from " + socket + " while waiting for " +
                            what + ": " + text, ex);
                    }
                }
                if (line.length() >= MAX_LINE)
                {
                    throw new QmpException("QMP line longer than " + MAX_LINE + " bytes from " + socket);
                }
                line.append(c);
            }
            try
            {
                in.clear();
                final int n = channel.read(in);
                in.flip();
                if (n < 0)
                {
                    throw new QmpException("QEMU closed its monitor " + socket + " while waiting for " + what);
                }
                if (n == 0)
                {
                    await(SelectionKey.OP_READ, deadline, what);
                }
            }
            catch (final IOException ex)
            {
                throw new QmpException("reading QMP socket " + socket + " failed while waiting for " + what + ": " +
                    ex.getMessage(), ex);
            }
        }
    }

    private void await(final int operation, final long deadline, final String what) throws IOException
    {
        final long wait = deadline - System.currentTimeMillis();
        if (wait <= 0)
        {
            throw new QmpException("QEMU did not answer " + what + " on " + socket + " in time");
        }
        channel.keyFor(selector).interestOps(operation);
        selector.select(wait);
        selector.selectedKeys().clear();
    }

    private static void closeQuietly(final Selector selector, final SocketChannel channel)
    {
        try
        {
            if (selector != null)
            {
                selector.close();
            }
        }
        catch (final IOException ignore)
        {
            // nothing left to release
        }
        try
        {
            if (channel != null)
            {
                channel.close();
            }
        }
        catch (final IOException ignore)
        {
            // nothing left to release
        }
    }
}
