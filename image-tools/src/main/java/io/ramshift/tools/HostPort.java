package io.ramshift.tools;

import picocli.CommandLine;

import java.net.InetSocketAddress;

/**
 * Parses {@code HOST:PORT} and {@code [HOST:]PORT} arguments into socket addresses.
 */
final class HostPort
{
    private HostPort()
    {
    }

    static InetSocketAddress parse(final String text, final String defaultHost, final CommandLine commandLine)
    {
        final int colon = text.lastIndexOf(':');
        final String host = colon < 0 ? defaultHost : text.substring(0, colon);
        final String portText = colon < 0 ? text : text.substring(colon + 1);
        final int port;
        try
        {
            port = Integer.parseInt(portText);
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.ParameterException(commandLine, "not a port: '" + portText + "' in '" + text + "'");
        }
        if (port < 0 || port > 65535 || host == null || host.isEmpty())
        {
            throw new CommandLine.ParameterException(commandLine, "expected HOST:PORT, got '" + text + "'");
        }
        return new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }
}
