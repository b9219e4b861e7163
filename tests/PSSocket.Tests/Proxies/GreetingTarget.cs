using System;
using System.IO;
using System.Text;
using PSSocket.Tests.Infrastructure;

namespace PSSocket.Tests.Proxies
{
    /// <summary>A target that speaks first: socat sends a greeting line on each connection, then echoes (cat).</summary>
    public sealed class GreetingTarget : IDisposable
    {
        public const string Greeting = "220 socat-target ready\n";

        private readonly string _script = Path.Combine(Path.GetTempPath(), $"pssocket-greeting-{Guid.NewGuid():N}.sh");
        private readonly ExternalPeer _socat;

        public GreetingTarget()
        {
            // socat's address syntax gives quotes and semicolons meanings of its own: the shell commands go in a file.
            File.WriteAllText(_script, $"printf '{Greeting.TrimEnd()}\\n'\nexec cat\n");
            Port = ExternalPeer.FreeLoopbackPort();
            _socat = ExternalPeer.Start("socat", $"TCP-LISTEN:{Port},bind=127.0.0.1,reuseaddr,fork", $"EXEC:/bin/sh {_script}");
            _socat.WaitForPort(Port, udp: false, ipv6: false);
        }

        public int Port { get; }

        /// <summary>Reads the greeting through the tunnel, then checks every byte of <paramref name="data"/> comes back.</summary>
        public static void AssertGreetsAndEchoes(TunnelClient tunnel, byte[] data)
        {
            Xunit.Assert.Equal(Greeting, Encoding.ASCII.GetString(tunnel.Receive(Greeting.Length)));
            tunnel.AssertEchoes(data);
        }

        public void Dispose()
        {
            _socat.Dispose();
            File.Delete(_script);
        }
    }
}
