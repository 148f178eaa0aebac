using System.Net;
using System.Net.Sockets;

namespace Search.Hosting;

/// <summary>Loopback ports nothing listens on right now, for processes started beside other clusters.</summary>
public static class LoopbackPorts
{
    /// <summary><paramref name="count"/> distinct ports the OS reports free (all held open together, so they differ).</summary>
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    public static int Free() => Free(1)[0];
}
