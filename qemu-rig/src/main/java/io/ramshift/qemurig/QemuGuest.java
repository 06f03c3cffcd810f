package io.ramshift.qemurig;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.qemu.QmpClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * One QEMU process of the rig: a TCG guest whose RAM is {@code DIR/ram} ({@code memory-backend-file share=on}),
 * with QMP on {@code DIR/qmp.sock} and the serial console in {@code DIR/console.log}. Started either booting the
 * guest program or waiting for an incoming migration ({@code -incoming defer}). Closing kills this process only.
 */
public final class QemuGuest implements AutoCloseable
{
    private static final long QMP_TIMEOUT_MS = 30_000;

    private final Path dir;
    private final Process process;
    private final List<String> command;
    private QmpClient qmp;

    private QemuGuest(final Path dir, final Process process, final List<String> command)
    {
        this.dir = dir;
        this.process = process;
        this.command = command;
    }

    /**
     * Boot the guest program.
     *
     * @param rig        kernel and initramfs.
     * @param dir        directory for the RAM file, the sockets and the console (short path).
     * @param memory     guest RAM, e.g. {@code 1G}.
     * @param patternMib MiB of verifiable pattern the guest keeps.
     * @param rate       pattern pages the guest rewrites per second.
     * @return the running QEMU.
     */
    public static QemuGuest boot(final QemuRig rig, final Path dir, final String memory, final int patternMib,
        final int rate)
    {
        return start(rig, dir, memory, patternMib, rate, false);
    }

    /**
     * Start a QEMU that waits for an incoming migration over its own (new, sparse) RAM file.
     *
     * @param rig        kernel and initramfs (the same as the source's).
     * @param dir        directory for the RAM file, the sockets and the console (short path).
     * @param memory     guest RAM, as on the source.
     * @param patternMib as on the source (the kernel command line must be the same).
     * @param rate       as on the source.
     * @return the waiting QEMU.
     */
    public static QemuGuest incoming(final QemuRig rig, final Path dir, final String memory, final int patternMib,
        final int rate)
    {
        return start(rig, dir, memory, patternMib, rate, true);
    }

    private static QemuGuest start(final QemuRig rig, final Path dir, final String memory, final int patternMib,
        final int rate, final boolean incoming)
    {
        final List<String> command = new ArrayList<>(List.of(
            "qemu-system-x86_64",
            "-machine", "pc,accel=tcg,memory-backend=mem",
            "-cpu", "qemu64",
            "-m", memory,
            "-object", "memory-backend-file,id=mem,size=" + memory + ",mem-path=" + dir.resolve("ram") + ",share=on",
            "-kernel", rig.vmlinuz().toString(),
            "-initrd", rig.initramfs().toString(),
            "-append", "nokaslr console=ttyS0 panic=-1 quiet mitigations=off rsguest.mib=" + patternMib +
                " rsguest.rate=" + rate,
            "-display", "none",
            "-serial", "file:" + dir.resolve("console.log"),
            "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off",
            "-no-reboot",
            "-nodefaults"));
        if (incoming)
        {
            command.add("-incoming");
            command.add("defer");
        }
        try
        {
            Files.createDirectories(dir);
            final Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.out").toFile())
                .start();
            return new QemuGuest(dir, process, command);
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot start QEMU in " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** @return the guest RAM file. */
    public Path ramFile()
    {
        return dir.resolve("ram");
    }

    /** @return the QMP socket. */
    public Path qmpSocket()
    {
        return dir.resolve("qmp.sock");
    }

    /** @return the serial console log. */
    public Path consoleLog()
    {
        return dir.resolve("console.log");
    }

    /** @return the QEMU command line. */
    public List<String> command()
    {
        return command;
    }

    /** @return the QEMU process id. */
    public long pid()
    {
        return process.pid();
    }

    /** @return true while the QEMU process runs. */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @return the monitor, connected on first use (waits for QEMU to create its socket).
     */
    public QmpClient qmp()
    {
        if (qmp == null)
        {
            final long deadline = System.currentTimeMillis() + QMP_TIMEOUT_MS;
            while (!Files.exists(qmpSocket()))
            {
                checkAlive("waiting for its QMP socket");
                if (System.currentTimeMillis() > deadline)
                {
                    throw new RamshiftException("QEMU did not create " + qmpSocket() + " within " + QMP_TIMEOUT_MS +
                        " ms");
                }
                LockSupport.parkNanos(20_000_000L);
            }
            qmp = QmpClient.connect(qmpSocket(), QMP_TIMEOUT_MS);
        }
        return qmp;
    }

    /**
     * Close the monitor connection (another client, e.g. {@code ramshift qemu migrate}, takes over; QEMU serves
     * one QMP client per socket at a time).
     */
    public void releaseQmp()
    {
        if (qmp != null)
        {
            qmp.close();
            qmp = null;
        }
    }

    /** @return every report line the guest printed so far. */
    public List<GuestLine> lines()
    {
        final List<GuestLine> lines = new ArrayList<>();
        for (final String line : consoleLines())
        {
            final GuestLine parsed = GuestLine.parse(line);
            if (parsed != null)
            {
                lines.add(parsed);
            }
        }
        return lines;
    }

    /**
     * @return the guest-physical address of pattern page 0, from the guest's start line (file offset = address).
     */
    public long firstPatternAddress()
    {
        for (final String line : consoleLines())
        {
            final int at = line.indexOf("first_gpa=0x");
            if (line.startsWith("RSGUEST start") && at >= 0)
            {
                final String hex = line.substring(at + "first_gpa=0x".length()).split("[ \r]")[0];
                return Long.parseLong(hex, 16);
            }
        }
        throw new RamshiftException("the guest printed no start line with first_gpa in " + consoleLog());
    }

    /**
     * Wait for a report line.
     *
     * @param condition what the line must satisfy.
     * @param timeoutMs longest wait.
     * @return the first matching line.
     */
    public GuestLine awaitLine(final Predicate<GuestLine> condition, final long timeoutMs)
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            for (final GuestLine line : lines())
            {
                if (condition.test(line))
                {
                    return line;
                }
            }
            checkAlive("waiting for a console line");
            if (System.currentTimeMillis() > deadline)
            {
                throw new RamshiftException("no matching guest line within " + timeoutMs + " ms; console tail:\n" +
                    consoleTail());
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** @return the last lines of the console, for failure messages. */
    public String consoleTail()
    {
        final List<String> lines = consoleLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }

    /** Kill this QEMU (SIGTERM, then SIGKILL after 5 s). */
    public void close()
    {
        releaseQmp();
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void checkAlive(final String what)
    {
        if (!process.isAlive())
        {
            String out = "";
            try
            {
                out = Files.readString(dir.resolve("qemu.out"));
            }
            catch (final IOException ignore)
            {
                // the exit value is still reported
            }
            throw new RamshiftException("QEMU exited (" + process.exitValue() + ") while " + what + ": " + out +
                "\nconsole tail:\n" + consoleTail());
        }
    }

    private List<String> consoleLines()
    {
        try
        {
            if (!Files.exists(consoleLog()))
            {
                return List.of();
            }
            final String text = new String(Files.readAllBytes(consoleLog()), StandardCharsets.ISO_8859_1);
            return List.of(text.replace("\r", "").split("\n"));
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot read " + consoleLog() + ": " + ex.getMessage(), ex);
        }
    }
}
