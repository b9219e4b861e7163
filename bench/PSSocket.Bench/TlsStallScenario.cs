using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Bench
{
    /// <summary>
    /// Issue 10, defect 4: Wait-SocketConnection on a TLS listener when a client sends 5 bytes of a ClientHello and
    /// stalls, and a good client connects 200 ms later. The reference is the good client alone, 200 ms after the call.
    /// </summary>
    internal sealed class TlsStallScenario : IScenario
    {
        private const int Rounds = 5;
        private const int GoodClientDelayMs = 200;
        private static readonly byte[] StalledHello = { 0x16, 0x03, 0x01, 0x00, 0xF0 };

        public string Name => "tls-stall";

        public string Description => "Wait-SocketConnection -Timeout 2000 on a TLS listener: one stalled client, then a good one";

        public void Run(Report report)
        {
            using var host = new BenchHost();
            using X509Certificate2 certificate = SelfSigned();
            host.SetVariable("certificate", certificate);
            double[] stalled = Enumerable.Range(0, Rounds).Select(_ => Measure(host, stall: true)).ToArray();
            double[] clean = Enumerable.Range(0, Rounds).Select(_ => Measure(host, stall: false)).ToArray();
            report.Add(Name, $"Wait-SocketConnection with a stalled client first (median of {Rounds})", Stats.Median(stalled), "ms", "good client alone", Stats.Median(clean),
                $"slowest {stalled.Max():0} ms; every call returned the good client");
        }

        /// <summary>Milliseconds until Wait-SocketConnection returned the good client's session.</summary>
        private static double Measure(BenchHost host, bool stall)
        {
            var listener = (SocketSession)host.Invoke("$l = Start-SocketListener -Certificate $certificate; $l")[0].BaseObject;
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            using var stalledClient = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (stall)
                {
                    stalledClient.Connect(IPAddress.Loopback, port);
                    stalledClient.Send(StalledHello);
                }

                Task good = Task.Run(async () =>
                {
                    await Task.Delay(GoodClientDelayMs);
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(IPAddress.Loopback, port);
                    using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (s, c, ch, e) => true);
                    await ssl.AuthenticateAsClientAsync("localhost");
                    _ = await ssl.ReadAsync(new byte[1]);
                });

                var watch = Stopwatch.StartNew();
                var accepted = host.Invoke("$c = $l | Wait-SocketConnection -Timeout 2000; $c");
                double ms = watch.Elapsed.TotalMilliseconds;
                if (accepted.Count != 1 || ((SocketSession)accepted[0].BaseObject).Tls == null)
                {
                    throw new InvalidOperationException("Wait-SocketConnection returned no TLS session.");
                }

                host.Invoke("$c | Close-Socket");
                good.Wait(10_000);
                return ms;
            }
            finally
            {
                host.Invoke("$l | Close-Socket");
            }
        }

        private static X509Certificate2 SelfSigned()
        {
            using RSA key = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
        }
    }
}
