package io.ramshift.perf;

import java.io.IOException;
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
 * The cost of TLS: {@code ramshift migrate} of the same image over loopback, plaintext and with {@code --tls},
 * interleaved (the order rotates from run to run) so that every mode sees the same machine; whole-command wall time, the
 * sender's engine time, CPU seconds (user + system), GB/s of image, medians of N runs, the ratio TLS / plain and the
 * cipher suite negotiated. Certificates are made with openssl in the work directory (an EC P-256 CA and a server
 * certificate for localhost), as the README shows. Prints a markdown table and writes JSON.
 * <p>
 * {@code ./ramshift tls-bench [--images post-workload:2G,idle:2G,random:1G] [--runs 3] [--streams N] [--work DIR]
 * [--json F]}; {@code random} is an image of random pages only (every byte crosses TLS). A third mode runs TLS with
 * {@code RAMSHIFT_TLS_JIT=0}: without the launcher's hint that compiles the JDK's TLS record code early.
 */
public final class TlsCostBenchmark
{
    private static final long TIMEOUT_SECONDS = 1800;
    private static final Pattern NUMBER = Pattern.compile("-?[0-9][0-9.eE+-]*");

    private final Path ramshift;
    private final Path work;
    private final int runs;
    private final int streams;
    private final List<String> rows = new ArrayList<>();
    private final StringBuilder json = new StringBuilder();

    private TlsCostBenchmark(final Path ramshift, final Path work, final int runs, final int streams)
    {
        this.ramshift = ramshift;
        this.work = work;
        this.runs = runs;
        this.streams = streams;
    }

    /**
     * @param args see the class comment; {@code --ramshift PATH} is set by the launcher.
     * @throws Exception on a failure of the harness or of a migration (a failed run is not a result).
     */
    public static void main(final String[] args) throws Exception
    {
        Path ramshift = Path.of("ramshift");
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "ramshift-tls-bench");
        Path jsonOut = Path.of("tls-bench-results.json");
        List<String> images = List.of("post-workload:2G", "idle:2G", "random:1G");
        int runs = 3;
        int streams = 1;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--ramshift" -> ramshift = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--json" -> jsonOut = Path.of(args[++i]);
                case "--images" -> images = Arrays.asList(args[++i].split(","));
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                default ->
                {
                    System.err.println("unknown argument: " + args[i]);
                    System.err.println("usage: tls-bench [--images post-workload:2G,idle:2G,random:1G] [--runs 3] " +
                        "[--streams N] [--work DIR] [--json F]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(work);
        final TlsCostBenchmark bench = new TlsCostBenchmark(ramshift.toAbsolutePath(), work.toAbsolutePath(), runs,
            streams);
        bench.run(images, jsonOut);
    }

    private void run(final List<String> images, final Path jsonOut) throws Exception
    {
        makeCertificates();
        json.append("{\"runs\":").append(runs).append(",\"streams\":").append(streams).append(",\"images\":[");
        for (int i = 0; i < images.size(); i++)
        {
            json.append(i == 0 ? "" : ",");
            benchImage(images.get(i));
        }
        json.append("]}");
        System.out.printf(Locale.ROOT, "%n| image | mode | wall s | engine s | GB/s of image (engine) | CPU s | " +
            "bytes on the wire | / plain (engine) | cipher suite |%n|---|---|---|---|---|---|---|---|---|%n");
        rows.forEach(System.out::println);
        Files.writeString(jsonOut, json.toString());
        System.out.println("wrote " + jsonOut.toAbsolutePath());
    }

    private void makeCertificates() throws Exception
    {
        if (!has("openssl"))
        {
            throw new IllegalStateException("tls-bench needs openssl to make its certificates (apt-get install openssl)");
        }
        final Path dir = work.resolve("tls");
        Files.createDirectories(dir);
        shell("cd " + dir + " && " +
            "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null && " +
            "openssl req -x509 -new -key ca.key -subj '/CN=ramshift bench CA' -days 2 -out ca.pem " +
            "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign && " +
            "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key 2>/dev/null && " +
            "openssl req -new -key server.key -subj '/CN=localhost' -out server.csr && " +
            "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext && " +
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext " +
            "-out server.pem 2>/dev/null");
    }

    private void benchImage(final String spec) throws Exception
    {
        final String[] parts = spec.split(":");
        final String profile = parts[0];
        final String size = parts.length > 1 ? parts[1] : "2G";
        final Path image = work.resolve(profile + "-" + size + ".img");
        final Path bitmap = work.resolve(profile + "-" + size + ".free");
        final Path out = work.resolve("out.img");
        System.out.printf(Locale.ROOT, "== %s %s, %d run(s) each, %d stream(s) ==%n", profile, size, runs, streams);
        // "random": every page random (incompressible, no duplicates): every byte of the image crosses TLS
        final String content = "random".equals(profile) ? "--fractions 0,0,0,1,0" : "--profile " + profile;
        shell(ramshift + " generate " + content + " --size " + size + " --seed 1 --out " + image + " --free-bitmap " +
            bitmap + " --force > /dev/null");
        shell("cat " + image + " > /dev/null");
        final String base = ramshift + " migrate " + image + " " + out + " --free-bitmap " + bitmap + " --json" +
            " --streams " + streams;
        final Path tls = work.resolve("tls");
        final String withTls = base + " --tls --tls-cert " + tls.resolve("server.pem") + " --tls-key " +
            tls.resolve("server.key") + " --tls-ca " + tls.resolve("ca.pem");
        final Mode plain = new Mode("plain", "", base);
        final Mode encrypted = new Mode("tls", "", withTls);
        // the launcher's hint that compiles the JDK's TLS record code early, left out
        final Mode coldCrypto = new Mode("tls, RAMSHIFT_TLS_JIT=0", "RAMSHIFT_TLS_JIT=0 ", withTls);
        final Mode[] modes = {plain, encrypted, coldCrypto};
        // one untimed run of each: page cache, the launcher's class-data archive, the destination's blocks
        for (final Mode mode : modes)
        {
            once(mode, out, -1);
        }
        for (int run = 0; run < runs; run++)
        {
            // rotate the order so that no mode always runs first or last
            for (int i = 0; i < modes.length; i++)
            {
                once(modes[(i + run) % modes.length], out, run);
            }
        }
        Files.deleteIfExists(out);
        final long imageBytes = Files.size(image);
        Files.deleteIfExists(image);
        Files.deleteIfExists(bitmap);

        final double plainEngine = Medians.of(plain.engine);
        for (final Mode mode : modes)
        {
            final double engine = Medians.of(mode.engine);
            rows.add(String.format(Locale.ROOT, "| %s %s | %s | %.3f | %.3f | %.2f | %.2f | %,d | %s | %s |", profile,
                size, mode.name, Medians.of(mode.wall), engine, imageBytes / engine / 1e9, Medians.of(mode.cpu), (long)Medians.of(mode.wire),
                mode == plain ? "" : String.format(Locale.ROOT, "%.2fx (wall %.2fx)", engine / plainEngine,
                    Medians.of(mode.wall) / Medians.of(plain.wall)), mode.cipher == null ? "-" : mode.cipher));
            System.out.printf(Locale.ROOT, "  %-24s wall %s  engine %s  cpu %s%n", mode.name,
                Arrays.toString(mode.wall), Arrays.toString(mode.engine), Arrays.toString(mode.cpu));
        }
        json.append("{\"profile\":\"").append(profile).append("\",\"size\":\"").append(size)
            .append("\",\"imageBytes\":").append(imageBytes).append(",\"cipherSuite\":\"").append(encrypted.cipher)
            .append("\",\"plain\":").append(plain.json()).append(",\"tls\":").append(encrypted.json())
            .append(",\"tlsWithoutJitHint\":").append(coldCrypto.json())
            .append(",\"tlsOverPlainEngine\":").append(fmt(Medians.of(encrypted.engine) / plainEngine))
            .append(",\"tlsOverPlainWall\":").append(fmt(Medians.of(encrypted.wall) / Medians.of(plain.wall)))
            .append(",\"tlsWithoutJitHintOverPlainEngine\":").append(fmt(Medians.of(coldCrypto.engine) / plainEngine))
            .append('}');
    }

    private void once(final Mode mode, final Path out, final int run) throws Exception
    {
        Files.deleteIfExists(out);
        final Path time = work.resolve("time.txt");
        final long start = System.nanoTime();
        final String output = shell(mode.env + "/usr/bin/time -f '%U %S' -o " + time + " " + mode.command);
        final double wall = (System.nanoTime() - start) / 1e9;
        final String sender = output.substring(output.indexOf("\"sender\""));
        if (!output.startsWith("{\"verified\":true"))
        {
            throw new IllegalStateException(mode.name + ": not verified: " + output);
        }
        if (run >= 0)
        {
            mode.wall[run] = wall;
            mode.engine[run] = number(sender, "seconds");
            mode.wire[run] = number(output, "bytesOnWire");
            final String[] cpu = Files.readString(time).trim().split("\\s+");
            mode.cpu[run] = Double.parseDouble(cpu[cpu.length - 2]) + Double.parseDouble(cpu[cpu.length - 1]);
        }
        final int at = sender.indexOf("\"tls\":\"");
        if (at >= 0)
        {
            mode.cipher = sender.substring(at + 7, sender.indexOf('"', at + 7));
        }
    }

    private static double number(final String json, final String key)
    {
        final int at = json.indexOf("\"" + key + "\":");
        if (at < 0)
        {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        final Matcher matcher = NUMBER.matcher(json);
        if (!matcher.find(at + key.length() + 3))
        {
            throw new IllegalStateException("no number for " + key + " in " + json);
        }
        return Double.parseDouble(matcher.group());
    }

    private static String fmt(final double value)
    {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static boolean has(final String tool) throws IOException, InterruptedException
    {
        return new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
    }

    private static String shell(final String command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException("command failed: " + command + "\n" + output);
        }
        return output;
    }

    private final class Mode
    {
        final String name;
        final String command;
        final double[] wall = new double[runs];
        final double[] engine = new double[runs];
        final double[] cpu = new double[runs];
        final double[] wire = new double[runs];
        final String env;
        String cipher;

        Mode(final String name, final String env, final String command)
        {
            this.name = name;
            this.env = env;
            this.command = command;
        }

        String json()
        {
            return "{\"wallSeconds\":" + fmt(Medians.of(wall)) + ",\"engineSeconds\":" + fmt(Medians.of(engine)) +
                ",\"bytesOnWire\":" + (long)Medians.of(wire) +
                ",\"cpuSeconds\":" + fmt(Medians.of(cpu)) + ",\"allWall\":" + Arrays.toString(wall) + ",\"allEngine\":" +
                Arrays.toString(engine) + "}";
        }
    }
}
