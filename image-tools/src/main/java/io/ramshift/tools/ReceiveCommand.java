package io.ramshift.tools;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.transfer.ImageReceiver;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ramshift receive}: accepts one sender and writes its image into one destination file.
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
    description = "Accept one sender and write its image in place into --out; exits 0 only when verified.")
final class ReceiveCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "[HOST:]PORT",
        description = "Address to listen on (HOST defaults to 0.0.0.0).")
    String listen;

    @Option(names = "--out", required = true, paramLabel = "FILE",
        description = "Destination: created sparse if missing, written in place (never truncated) if it exists.")
    Path out;

    @Option(names = "--retry", defaultValue = "0", paramLabel = "N",
        description = "After a failed session, accept the sender's next attempt up to N times (default ${DEFAULT-VALUE}).")
    int retry;

    @Option(names = "--checkpoint-every", defaultValue = "256M", paramLabel = "SIZE",
        description = "Journal checkpoint after at most SIZE received (and at least every second): fsync the " +
            "destination, then mark the pages written before it durable in DEST.rsjournal, so an interrupted copy " +
            "resumes from there (default ${DEFAULT-VALUE}).")
    String checkpointEvery;

    @Option(names = "--retry-wait", defaultValue = "300", paramLabel = "SECONDS",
        description = "With --retry: after a failed session, give up when the sender's next attempt has not " +
            "connected within this long (default ${DEFAULT-VALUE}; 0 waits forever).")
    long retryWaitSeconds;

    @Mixin
    TransferOptionsMixin transfer;

    @Mixin
    TlsOptionsMixin tls;

    @Mixin
    PostcopyOptionsMixin postcopy;

    private TransferStats receiveWithRetries(final ServerSocketChannel server,
        final io.ramshift.engine.transfer.TransferOptions options)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new ImageReceiver(options).receive(server, out);
            }
            catch (final io.ramshift.engine.RamshiftException | io.ramshift.layout.LayoutException ex)
            {
                if (attempt >= retry)
                {
                    throw ex;
                }
                spec.commandLine().getErr().printf("ramshift receive: session failed: %s; waiting for attempt %d " +
                    "of %d%n", ex.getMessage(), attempt + 2, retry + 1);
                spec.commandLine().getErr().flush();
                // a sender that gave up (or a link that stays down) must not leave the receiver waiting forever
                if (!nextAttemptConnects(server))
                {
                    throw new TransferException("no new attempt from the sender within " + retryWaitSeconds +
                        " s after: " + ex.getMessage(), ex);
                }
            }
        }
    }

    /** Wait up to {@code --retry-wait} for a connection to accept; the server is left blocking. */
    private boolean nextAttemptConnects(final ServerSocketChannel server)
    {
        if (retryWaitSeconds <= 0)
        {
            return true;
        }
        try (Selector selector = Selector.open())
        {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            final long deadline = System.nanoTime() + retryWaitSeconds * 1_000_000_000L;
            long left = retryWaitSeconds * 1000;
            while (left > 0)
            {
                if (selector.select(left) > 0)
                {
                    return true;
                }
                left = (deadline - System.nanoTime()) / 1_000_000L;
            }
            return false;
        }
        catch (final IOException ex)
        {
            throw new TransferException("cannot wait for the next attempt on " + server + ": " + ex.getMessage(), ex);
        }
        finally
        {
            try
            {
                // the selector is closed (the key cancelled) before this
                server.configureBlocking(true);
            }
            catch (final IOException ignore)
            {
                // the server is closed by its owner
            }
        }
    }

    public Integer call()
    {
        final InetSocketAddress address = HostPort.parse(listen, "0.0.0.0", spec.commandLine());
        final TransferStats stats;
        final io.ramshift.engine.transfer.TransferOptions options = transfer.toOptions();
        options.tlsReceiver = tls.receiver();
        options.checkpointBytes = ByteSizeParser.parse(checkpointEvery);
        postcopy.applyReceiver(options);
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.setOption(StandardSocketOptions.SO_RCVBUF, LoopbackMigration.SOCKET_BUFFER_SIZE);
            server.bind(address);
            spec.commandLine().getErr().println("ramshift receive: listening on " + server.getLocalAddress() +
                ", writing " + out + (options.tlsReceiver == null ? "" : ", " + options.tlsReceiver));
            spec.commandLine().getErr().flush();
            try
            {
                stats = receiveWithRetries(server, options);
            }
            finally
            {
                postcopy.finishReaders();
                postcopy.close();
            }
        }
        catch (final IOException ex)
        {
            throw new TransferException("cannot receive on " + address + ": " + ex.getMessage(), ex);
        }
        if (transfer.json)
        {
            final JsonWriter json = TransferSummary.json(stats);
            if (stats.postcopy != null)
            {
                json.object("postcopy", PostcopyOptionsMixin.json(null, stats.postcopy, stats.startNanos));
            }
            spec.commandLine().getOut().println(json);
        }
        else
        {
            TransferSummary.print(spec.commandLine().getOut(), "received into " + out, stats,
                stats.bytesSent + stats.bytesReceived);
            if (stats.postcopy != null)
            {
                spec.commandLine().getOut().println(PostcopyOptionsMixin.summary(null, stats.postcopy,
                    stats.startNanos));
            }
        }
        return 0;
    }
}
