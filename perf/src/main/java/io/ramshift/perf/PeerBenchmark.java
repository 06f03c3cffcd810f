package io.ramshift.perf;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end benchmark: ramshift and the tools a user would pick instead (nc, socat, lz4 | nc, zstd | nc,
 * rsync, cp) move the same image in one run; whole-command wall time (median of N), CPU seconds, bytes on the
 * wire, and ratios against the best peer, the information floor and the machine's own memory and loopback
 * bandwidth measured in the same run. Writes a table, a JSON file and an HTML bar chart.
 */
public final class PeerBenchmark
{
    private static final long TIMEOUT_SECONDS = 600;
    private static final String DST_IP = "10.231.0.2";
    private static final String TWO_HOSTS_SCRIPT = "perf/scripts/two-hosts.sh";

    private final Path ramshift;
    private final Path work;
    private final int runs;
    private int port = 47100;
    private boolean twoHosts;
    private String host = "127.0.0.1";
    private final StringBuilder json = new StringBuilder();
    private final StringBuilder html = new StringBuilder();
    private final List<String> notes = new ArrayList<>();

    private PeerBenchmark(final Path ramshift, final Path work, final int runs)
    {
        this.ramshift = ramshift;
        this.work = work;
        this.runs = runs;
    }

    /**
     * Usage: {@code PeerBenchmark --ramshift ./ramshift --work DIR [--runs 3] [--image profile:size]...
     * [--json F] [--html F]}.
     *
     * @param args command line.
     * @throws Exception on a failure of the harness itself.
     */
    public static void main(final String[] args) throws Exception
    {
        Path ramshift = Path.of("ramshift");
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "ramshift-bench");
        Path jsonOut = Path.of("bench-results.json");
        Path htmlOut = Path.of("bench-report.html");
        int runs = 3;
        boolean twoHosts = false;
        final List<String> images = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ramshift": ramshift = Path.of(args[++i]); break;
                case "--work": work = Path.of(args[++i]); break;
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--image": images.add(args[++i]); break;
                case "--json": jsonOut = Path.of(args[++i]); break;
                case "--html": htmlOut = Path.of(args[++i]); break;
                case "--two-hosts": twoHosts = true; break;
                default:
                    System.err.println("unknown argument: " + args[i]);
                    System.err.println("usage: bench [--runs N] [--image profile:size]... [--work DIR] " +
                        "[--json F] [--html F] [--two-hosts]");
                    System.exit(2);
            }
        }
        if (images.isEmpty())
        {
            images.addAll(Arrays.asList("idle:2G", "post-workload:2G"));
        }
        Files.createDirectories(work);
        final PeerBenchmark bench = new PeerBenchmark(ramshift.toAbsolutePath(), work, runs);
        if (twoHosts)
        {
            bench.twoHosts = true;
            bench.host = DST_IP;
            bench.shell(TWO_HOSTS_SCRIPT + " up", null);
        }
        try
        {
            bench.run(images, jsonOut, htmlOut);
        }
        finally
        {
            if (twoHosts)
            {
                bench.shell(TWO_HOSTS_SCRIPT + " down", null);
            }
        }
    }

    /** Debian package of each peer tool. */
    private static final String[][] PEER_PACKAGES = {
        {"nc", "netcat-openbsd"}, {"socat", "socat"}, {"rsync", "rsync"}, {"lz4", "lz4"}, {"zstd", "zstd"}};

    private void installPeers() throws IOException, InterruptedException
    {
        final StringBuilder missing = new StringBuilder();
        for (final String[] peer : PEER_PACKAGES)
        {
            if (!has(peer[0]))
            {
                missing.append(' ').append(peer[1]);
            }
        }
        if (missing.length() == 0)
        {
            return;
        }
        System.out.println("installing peers:" + missing);
        final Process apt = new ProcessBuilder("bash", "-c", "(apt-get update -qq && apt-get install -y -qq" + missing +
            ") > " + work.resolve("apt.log") + " 2>&1").start();
        if (!apt.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || apt.exitValue() != 0)
        {
            notes.add("could not install" + missing + " with apt (see " + work.resolve("apt.log") + ")");
        }
        for (final String[] peer : PEER_PACKAGES)
        {
            if (!has(peer[0]))
            {
                notes.add(peer[0] + " is missing (package " + peer[1] + "): its rows are skipped");
            }
        }
    }

    private void run(final List<String> images, final Path jsonOut, final Path htmlOut) throws Exception
    {
        installPeers();
        final double memoryGBps = memoryReadGBps();
        final double loopbackGBps = loopbackGBps();
        System.out.printf(Locale.ROOT, "machine: memory read %.1f GB/s (1 thread), loopback TCP %.2f GB/s " +
            "(1 stream), measured now%n", memoryGBps, loopbackGBps);
        json.append("{\"memoryReadGBps\":").append(fmt(memoryGBps))
            .append(",\"loopbackGBps\":").append(fmt(loopbackGBps)).append(",\"runs\":").append(runs)
            .append(",\"images\":[");
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>ramshift bench</title>")
            .append("<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:right}</style></head><body>")
            .append("<h1>ramshift vs peers</h1><p>memory read ").append(fmt(memoryGBps))
            .append(" GB/s, loopback TCP ").append(fmt(loopbackGBps)).append(" GB/s; median of ").append(runs)
            .append(" runs; lower is better.</p>");
        boolean first = true;
        for (final String spec : images)
        {
            if (!first)
            {
                json.append(',');
            }
            first = false;
            benchImage(spec, loopbackGBps);
        }
        json.append("],\"notes\":[");
        for (int i = 0; i < notes.size(); i++)
        {
            json.append(i == 0 ? "" : ",").append('"').append(notes.get(i).replace("\"", "'")).append('"');
        }
        json.append("]}");
        html.append("<h2>Notes</h2><ul>");
        for (final String note : notes)
        {
            html.append("<li>").append(escape(note)).append("</li>");
        }
        html.append("</ul></body></html>");
        Files.writeString(jsonOut, json.toString());
        Files.writeString(htmlOut, html.toString());
        System.out.println("wrote " + jsonOut.toAbsolutePath() + " and " + htmlOut.toAbsolutePath());
    }

    private void benchImage(final String spec, final double loopbackGBps) throws Exception
    {
        final String[] parts = spec.split(":");
        final String profile = parts[0];
        final String size = parts.length > 1 ? parts[1] : "2G";
        final Path image = work.resolve(profile + "-" + size + ".img");
        final Path bitmap = work.resolve(profile + "-" + size + ".free");
        System.out.printf(Locale.ROOT, "%n== %s %s ==%n", profile, size);
        shell(ramshift + " generate --profile " + profile + " --size " + size + " --seed 1 --out " + image +
            " --free-bitmap " + bitmap + " --force > /dev/null", null);
        final String inspect = shell(ramshift + " inspect " + image + " --free-bitmap " + bitmap + " --json", null);
        final long imageBytes = jsonLong(inspect, "imageBytes");
        final long floorBytes = jsonLong(inspect, "floorBytes");
        final double floorSeconds = floorBytes / (loopbackGBps * 1e9);
        // read the image once so every tool starts from the page cache
        shell("cat " + image + " > /dev/null", null);

        final List<Result> results = new ArrayList<>();
        final Path out = work.resolve("out.img");
        if (!twoHosts)
        {
            results.add(measure("ramshift migrate", null, ramshift + " migrate " + image + " " + out + " --free-bitmap " +
            bitmap + " --json", out, -1));
        }
        final int p1 = nextPort();
        results.add(measure("ramshift send/receive", ramshift + " receive --listen " + host + ":" + p1 + " --out " + out +
            " --json > " + work.resolve("receive.json"), ramshift + " send " + image + " --free-bitmap " + bitmap +
            " --to " + host + ":" + p1 + " --json", out, p1));
        if (has("nc"))
        {
            final int p = nextPort();
            results.add(measure("nc", "nc -l " + host + " " + p + " > /dev/null", "nc -N " + host + " " + p + " < " + image,
                null, p).wire(imageBytes));
        }
        if (has("socat"))
        {
            final int p = nextPort();
            results.add(measure("socat -b1M", "socat -u -b1048576 TCP-LISTEN:" + p + ",bind=" + host + ",reuseaddr STDOUT " +
                "> /dev/null", "socat -u -b1048576 OPEN:" + image + ",rdonly TCP:" + host + ":" + p, null, p)
                .wire(imageBytes));
        }
        if (has("nc") && has("lz4"))
        {
            final int p = nextPort();
            results.add(measure("lz4 -1 -B4 | nc", "nc -l " + host + " " + p + " > /dev/null",
                "lz4 -1 -B4 --no-frame-crc -c " + image + " | nc -N " + host + " " + p, null, p)
                .wire(Long.parseLong(shell("lz4 -q -1 -B4 --no-frame-crc -c " + image + " 2>/dev/null | wc -c", null).trim())));
        }
        if (has("nc") && has("zstd"))
        {
            final int p = nextPort();
            results.add(measure("zstd -1 | nc", "nc -l " + host + " " + p + " > /dev/null",
                "zstd -1 -q -c " + image + " | nc -N " + host + " " + p, null, p)
                .wire(Long.parseLong(shell("zstd -1 -q -c " + image + " 2>/dev/null | wc -c", null).trim())));
        }
        if (has("rsync") && !twoHosts)
        {
            results.add(measure("rsync --sparse (local, first copy)", null, "rsync --sparse " + image + " " + out, out,
                -1).wire(-1));
        }
        if (!twoHosts)
        {
            results.add(measure("cp --sparse=always (local)", null, "cp --sparse=always " + image + " " + out, out, -1)
                .wire(0));
        }
        Files.deleteIfExists(out);

        double bestPeer = Double.MAX_VALUE;
        String bestPeerName = "";
        for (final Result r : results)
        {
            if (!r.name.startsWith("ramshift") && r.ok && r.wall < bestPeer)
            {
                bestPeer = r.wall;
                bestPeerName = r.name;
            }
        }
        print(profile, size, imageBytes, floorBytes, floorSeconds, results, bestPeer, bestPeerName);
        Files.deleteIfExists(image);
        Files.deleteIfExists(bitmap);
    }

    private void print(final String profile, final String size, final long imageBytes, final long floorBytes,
        final double floorSeconds, final List<Result> results, final double bestPeer, final String bestPeerName)
    {
        System.out.printf(Locale.ROOT, "image %s %s: %,d bytes; information floor %,d bytes (%.2f%%), %.3f s at " +
            "loopback speed%n", profile, size, imageBytes, floorBytes, 100.0 * floorBytes / imageBytes, floorSeconds);
        System.out.printf(Locale.ROOT, "%-36s %9s %9s %9s %14s %9s %10s%n", "tool", "wall s", "GB/s", "CPU s",
            "wire bytes", "wire %", "vs best");
        json.append("{\"profile\":\"").append(profile).append("\",\"size\":\"").append(size)
            .append("\",\"imageBytes\":").append(imageBytes).append(",\"floorBytes\":").append(floorBytes)
            .append(",\"floorSeconds\":").append(fmt(floorSeconds)).append(",\"bestPeer\":\"").append(bestPeerName)
            .append("\",\"tools\":[");
        html.append("<h2>").append(profile).append(' ').append(size).append("</h2><p>floor ")
            .append(String.format(Locale.ROOT, "%,d bytes (%.2f%%)", floorBytes, 100.0 * floorBytes / imageBytes))
            .append("; best peer: ").append(escape(bestPeerName)).append("</p>");
        double max = 0;
        for (final Result r : results)
        {
            max = Math.max(max, r.ok ? r.wall : 0);
        }
        html.append("<svg width=\"760\" height=\"").append(22 * results.size() + 10).append("\">");
        for (int i = 0; i < results.size(); i++)
        {
            final Result r = results.get(i);
            final double ratio = r.ok ? bestPeer / r.wall : 0;
            System.out.printf(Locale.ROOT, "%-36s %9s %9s %9s %14s %9s %10s%n", r.name,
                r.ok ? fmt(r.wall) : "failed", r.ok ? fmt(imageBytes / r.wall / 1e9) : "-",
                r.ok ? fmt(r.cpu) : "-", r.wireBytes >= 0 ? String.format(Locale.ROOT, "%,d", r.wireBytes) : "n/a",
                r.wireBytes >= 0 ? fmt(100.0 * r.wireBytes / imageBytes) : "-",
                r.name.startsWith("ramshift") && r.ok ? fmt(ratio) + "x" : "");
            if (r.engineSeconds > 0)
            {
                System.out.printf(Locale.ROOT, "%-36s %9s (engine time inside the command; vs floor %.1fx)%n", "",
                    fmt(r.engineSeconds), r.engineSeconds / floorSeconds);
            }
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(r.name).append("\",\"ok\":").append(r.ok)
                .append(",\"wallSeconds\":").append(fmt(r.wall)).append(",\"cpuSeconds\":").append(fmt(r.cpu))
                .append(",\"wireBytes\":").append(r.wireBytes).append(",\"engineSeconds\":")
                .append(fmt(r.engineSeconds)).append(",\"allWall\":").append(Arrays.toString(r.walls)).append('}');
            final double width = r.ok && max > 0 ? 480 * r.wall / max : 0;
            html.append("<text x=\"0\" y=\"").append(22 * i + 16).append("\" font-size=\"12\">")
                .append(escape(r.name)).append("</text><rect x=\"250\" y=\"").append(22 * i + 4)
                .append("\" height=\"16\" width=\"").append(fmt(width)).append("\" fill=\"")
                .append(r.name.startsWith("ramshift") ? "#2a7" : "#888").append("\"/><text x=\"")
                .append(fmt(255 + width)).append("\" y=\"").append(22 * i + 16).append("\" font-size=\"12\">")
                .append(r.ok ? fmt(r.wall) + " s" : "failed").append("</text>");
        }
        html.append("</svg>");
        json.append("]}");
    }

    private Result measure(final String name, final String receiver, final String sender, final Path cleanup,
        final int port) throws IOException, InterruptedException
    {
        final Result result = new Result(name, runs);
        for (int run = 0; run < runs; run++)
        {
            if (cleanup != null)
            {
                Files.deleteIfExists(cleanup);
            }
            final Path receiverTime = work.resolve("receiver.time");
            final Path senderTime = work.resolve("sender.time");
            final Path senderOut = work.resolve("sender.out");
            Files.deleteIfExists(receiverTime);
            Process receiverProcess = null;
            if (receiver != null)
            {
                receiverProcess = new ProcessBuilder(inHost("rs-dst", "/usr/bin/time", "-f", "%U %S", "-o",
                    receiverTime.toString(), "bash", "-c", receiver)).redirectErrorStream(true).redirectOutput(work.resolve("receiver.log").toFile())
                    .start();
                if (!awaitListening(port, 20_000, twoHosts))
                {
                    receiverProcess.destroyForcibly();
                    notes.add(name + ": receiver did not listen on port " + port);
                    result.ok = false;
                    return result;
                }
            }
            final long start = System.nanoTime();
            final Process senderProcess = new ProcessBuilder(inHost("rs-src", "/usr/bin/time", "-f", "%U %S", "-o",
                senderTime.toString(), "bash", "-c", sender)).redirectErrorStream(true)
                .redirectOutput(senderOut.toFile()).start();
            final boolean senderDone = senderProcess.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final boolean receiverDone = receiverProcess == null ||
                receiverProcess.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final double wall = (System.nanoTime() - start) / 1e9;
            if (!senderDone || !receiverDone || senderProcess.exitValue() != 0 ||
                (receiverProcess != null && receiverProcess.exitValue() != 0))
            {
                senderProcess.destroyForcibly();
                if (receiverProcess != null)
                {
                    receiverProcess.destroyForcibly();
                }
                notes.add(name + ": failed (" + Files.readString(senderOut).trim().replace('\n', ' ') + ")");
                result.ok = false;
                return result;
            }
            result.walls[run] = wall;
            result.cpus[run] = cpuSeconds(senderTime) + (receiver != null ? cpuSeconds(receiverTime) : 0);
            final String output = Files.readString(senderOut);
            if (name.startsWith("ramshift"))
            {
                final String sent = output.contains("\"sender\"") ? output.substring(output.indexOf("\"sender\"")) : output;
                result.engines[run] = jsonDouble(sent, "seconds");
                result.wireBytes = jsonLong(sent, "bytesSent") + jsonLong(sent, "bytesReceived");
            }
        }
        result.finish();
        System.out.printf(Locale.ROOT, "  %-34s median %.3f s of %s%n", name, result.wall, Arrays.toString(result.walls));
        return result;
    }

    private static double cpuSeconds(final Path timeFile) throws IOException
    {
        if (!Files.exists(timeFile))
        {
            return 0;
        }
        final String[] lines = Files.readString(timeFile).trim().split("\n");
        final String[] fields = lines[lines.length - 1].trim().split("\\s+");
        return fields.length < 2 ? 0 : Double.parseDouble(fields[0]) + Double.parseDouble(fields[1]);
    }

    private List<String> inHost(final String namespace, final String... command)
    {
        final List<String> full = new ArrayList<>();
        if (twoHosts)
        {
            full.addAll(Arrays.asList("ip", "netns", "exec", namespace));
        }
        full.addAll(Arrays.asList(command));
        return full;
    }

    private static boolean awaitListening(final int port, final long timeoutMs, final boolean twoHosts)
        throws IOException, InterruptedException
    {
        final String hexPort = String.format(":%04X ", port);
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline)
        {
            for (final String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"})
            {
                final Path path = Path.of(table);
                if (Files.exists(path))
                {
                    final List<String> lines = twoHosts ? Arrays.asList(new String(new ProcessBuilder("ip", "netns",
                        "exec", "rs-dst", "cat", table).start().getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8).split("\n")) : Files.readAllLines(path);
                    for (final String line : lines)
                    {
                        final String[] f = line.trim().split("\\s+");
                        if (f.length > 3 && (f[1] + " ").contains(hexPort) && "0A".equals(f[3]))
                        {
                            return true;
                        }
                    }
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    private int nextPort()
    {
        return port++;
    }

    private static boolean has(final String tool) throws IOException, InterruptedException
    {
        return new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
    }

    private String shell(final String command, final Path log) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException("command failed: " + command + "\n" + output);
        }
        return output;
    }

    /**
     * Memory read bandwidth of one thread: the JDK's vectorised mismatch over two equal, resident 512 MiB buffers
     * reads 1 GiB per pass (median of 5).
     */
    static double memoryReadGBps()
    {
        final int length = 512 << 20;
        final ByteBuffer a = ByteBuffer.allocateDirect(length);
        final ByteBuffer b = ByteBuffer.allocateDirect(length);
        final UnsafeBuffer fillA = new UnsafeBuffer(a);
        final UnsafeBuffer fillB = new UnsafeBuffer(b);
        fillA.setMemory(0, length, (byte)1);
        fillB.setMemory(0, length, (byte)1);
        final double[] rates = new double[5];
        for (int r = 0; r < rates.length; r++)
        {
            final long start = System.nanoTime();
            if (a.clear().mismatch(b.clear()) != -1)
            {
                throw new IllegalStateException("buffers differ");
            }
            rates[r] = 2.0 * length / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
        Arrays.sort(rates);
        return rates[rates.length / 2];
    }

    /**
     * Loopback TCP bandwidth of one stream: 2 GiB in 4 MiB writes (median of 3).
     */
    private static double loopbackGBps() throws Exception
    {
        final double[] rates = new double[3];
        for (int r = 0; r < rates.length; r++)
        {
            try (ServerSocketChannel server = ServerSocketChannel.open())
            {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                final long total = 2L << 30;
                final Thread reader = new Thread(() ->
                {
                    try (SocketChannel channel = server.accept())
                    {
                        final ByteBuffer in = ByteBuffer.allocateDirect(4 << 20);
                        long read = 0;
                        while (read < total)
                        {
                            in.clear();
                            final int n = channel.read(in);
                            if (n < 0)
                            {
                                break;
                            }
                            read += n;
                        }
                    }
                    catch (final IOException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }, "ramshift-bench-reader");
                reader.start();
                final long start = System.nanoTime();
                try (SocketChannel channel = SocketChannel.open(server.getLocalAddress()))
                {
                    final ByteBuffer out = ByteBuffer.allocateDirect(4 << 20);
                    long written = 0;
                    while (written < total)
                    {
                        out.clear();
                        written += channel.write(out);
                    }
                }
                reader.join();
                rates[r] = total / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
        }
        Arrays.sort(rates);
        return rates[1];
    }

    private static long jsonLong(final String json, final String key)
    {
        final Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9]+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static double jsonDouble(final String json, final String key)
    {
        final Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String fmt(final double value)
    {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Figures of one tool on one image. */
    private static final class Result
    {
        final String name;
        final double[] walls;
        final double[] cpus;
        final double[] engines;
        boolean ok = true;
        double wall;
        double cpu;
        double engineSeconds;
        long wireBytes = -1;

        Result(final String name, final int runs)
        {
            this.name = name;
            this.walls = new double[runs];
            this.cpus = new double[runs];
            this.engines = new double[runs];
        }

        Result wire(final long bytes)
        {
            wireBytes = bytes;
            return this;
        }

        void finish()
        {
            wall = median(walls);
            cpu = median(cpus);
            engineSeconds = median(engines);
        }

        private static double median(final double[] values)
        {
            final double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }
}
