package io.ramshift.tools;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two hosts on this machine for a test: network namespaces {@code rsf-<pid>-<n>-a} and {@code -b} joined by a veth
 * pair, each end shaped with {@code tbf} (netem is not in this kernel), addresses {@code 10.233.<k>.1} and
 * {@code .2}; child JVMs run the {@code ramshift} command line inside them. Register with {@code @RegisterExtension}:
 * after each test, and at JVM exit, every child process is killed and every namespace deleted, even when the test
 * failed. Needs root and {@code ip}: without them the test fails (CI runs as root; {@code .ci/run} installs
 * iproute2), it is never skipped.
 */
final class LinkedNamespaces implements AfterEachCallback, AutoCloseable
{
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_MS = 10_000;

    private final List<Process> children = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "test-netns-cleanup");
    private String nsA;
    private String nsB;
    private String vethA;
    private String vethB;
    private String addressA;
    private String addressB;

    /**
     * Create both namespaces and the shaped link between them.
     *
     * @param rate tbf rate of each direction, e.g. {@code 200mbit}.
     */
    void up(final String rate)
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            fail("the link-down tests need root (network namespaces): user=" + System.getProperty("user.name"));
        }
        if (!Files.isExecutable(Paths.get("/usr/sbin/ip")) && !Files.isExecutable(Paths.get("/sbin/ip")) &&
            !Files.isExecutable(Paths.get("/usr/bin/ip")))
        {
            fail("the link-down tests need ip (iproute2); .ci/run installs it");
        }
        final long pid = ProcessHandle.current().pid();
        final int n = SEQUENCE.incrementAndGet();
        final String base = "rsf-" + pid + "-" + n;
        nsA = base + "-a";
        nsB = base + "-b";
        // interface names: at most 15 characters
        final String veth = "rsf" + (pid % 100_000) + "x" + n;
        vethA = veth + "a";
        vethB = veth + "b";
        final int subnet = (int)((pid * 7 + n) % 250) + 1;
        addressA = "10.233." + subnet + ".1";
        addressB = "10.233." + subnet + ".2";
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        run("ip", "netns", "add", nsA);
        run("ip", "netns", "add", nsB);
        run("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB);
        run("ip", "link", "set", vethA, "netns", nsA);
        run("ip", "link", "set", vethB, "netns", nsB);
        run("ip", "-n", nsA, "addr", "add", addressA + "/24", "dev", vethA);
        run("ip", "-n", nsB, "addr", "add", addressB + "/24", "dev", vethB);
        run("ip", "-n", nsA, "link", "set", "lo", "up");
        run("ip", "-n", nsB, "link", "set", "lo", "up");
        run("ip", "-n", nsA, "link", "set", vethA, "up");
        run("ip", "-n", nsB, "link", "set", vethB, "up");
        run("ip", "netns", "exec", nsA, "tc", "qdisc", "add", "dev", vethA, "root", "tbf", "rate", rate, "burst",
            "256kb", "latency", "50ms");
        run("ip", "netns", "exec", nsB, "tc", "qdisc", "add", "dev", vethB, "root", "tbf", "rate", rate, "burst",
            "256kb", "latency", "50ms");
    }

    /** @return the address of host B (the receiver's). */
    String addressB()
    {
        return addressB;
    }

    /** Take host B's end of the link down, as a cable pulled at the receiver: nothing passes either way. */
    void linkDown()
    {
        run("ip", "-n", nsB, "link", "set", vethB, "down");
    }

    /** Bring host B's end of the link up again. */
    void linkUp()
    {
        run("ip", "-n", nsB, "link", "set", vethB, "up");
    }

    /** @return bytes host B received over the link so far. */
    long bytesReceivedByB()
    {
        final String text = run("ip", "netns", "exec", nsB, "cat",
            "/sys/class/net/" + vethB + "/statistics/rx_bytes").trim();
        return Long.parseLong(text);
    }

    /**
     * Start the {@code ramshift} command line in a child JVM inside host A or B, stdout and stderr to files.
     *
     * @param hostB  true for host B, false for host A.
     * @param output stdout goes to {@code output.out}, stderr to {@code output.err}.
     * @param args   the command line.
     * @return the child.
     */
    Process ramshift(final boolean hostB, final Path output, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", hostB ? nsB : nsA,
            Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // the module flags the libraries need, nothing of the test JVM's own (agents, heap)
            if (flag.startsWith("--add-") || flag.startsWith("--enable-native-access") ||
                flag.startsWith("--sun-misc-unsafe"))
            {
                command.add(flag);
            }
        }
        command.addAll(List.of("-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath(), RamshiftMain.class.getName()));
        command.addAll(List.of(args));
        try
        {
            final Process process = new ProcessBuilder(command)
                .redirectOutput(output.resolveSibling(output.getFileName() + ".out").toFile())
                .redirectError(output.resolveSibling(output.getFileName() + ".err").toFile())
                .start();
            synchronized (children)
            {
                children.add(process);
            }
            return process;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot start " + command + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Wait for a child to exit.
     *
     * @param process the child.
     * @param seconds at most this long, then it is killed and the test fails.
     * @return its exit code.
     */
    static int exitCode(final Process process, final long seconds) throws InterruptedException
    {
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("child did not exit within " + seconds + " s: " + process.info().commandLine().orElse("?"));
        }
        return process.exitValue();
    }

    public void afterEach(final ExtensionContext context)
    {
        close();
    }

    /** Kill every child and delete both namespaces (idempotent). */
    public synchronized void close()
    {
        synchronized (children)
        {
            for (final Process child : children)
            {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
            }
            for (final Process child : children)
            {
                try
                {
                    child.waitFor(5, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            children.clear();
        }
        // deleting a namespace deletes the veth end in it, and so the pair
        for (final String ns : new String[] {nsA, nsB})
        {
            if (ns != null)
            {
                runQuietly("ip", "netns", "del", ns);
            }
        }
        nsA = null;
        nsB = null;
        if (Thread.currentThread() != shutdownHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (final IllegalStateException | IllegalArgumentException ignore)
            {
                // shutting down, or never registered
            }
        }
    }

    /** @return whether a namespace of this name exists. */
    static boolean namespaceExists(final String name)
    {
        return Files.exists(Paths.get("/run/netns", name));
    }

    /** @return the names of both namespaces, while they exist. */
    List<String> namespaces()
    {
        return List.of(String.valueOf(nsA), String.valueOf(nsB));
    }

    private static String classPath()
    {
        // surefire's class path of this test JVM (its booter jar names the entries in its manifest)
        final String path = System.getProperty("surefire.test.class.path");
        return path != null && !path.isEmpty() ? path : System.getProperty("java.class.path");
    }

    private static String run(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            final String text = new String(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ": " + text);
            return text;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static void runQuietly(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("/dev/null")).start();
            process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final IOException ex)
        {
            // nothing to clean up
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
