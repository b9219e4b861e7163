using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PSSocket.Bench
{
    /// <summary>
    /// A certificate fleet check: 200 end points of one nginx (its mail module) on 127.0.0.10 to 127.0.0.59, each
    /// address with SMTP, IMAP and POP3 behind STARTTLS and IMAPS, checked for a certificate valid 14 more days.
    /// One Test-SocketPort call over all of them (rows with their STARTTLS protocol) against what an operator runs
    /// without the module: `openssl s_client -starttls ... | openssl x509 -checkend` per end point, in sequence.
    /// </summary>
    internal sealed class CertificateFleetScenario : IScenario
    {
        private const int Addresses = 50;
        private const int Runs = 3;
        private const string MailModule = "/usr/lib/nginx/modules/ngx_mail_module.so";
        private static readonly (string Protocol, string Tls, string StartTls)[] Kinds =
        {
            ("smtp", "starttls", "Smtp"), ("imap", "starttls", "Imap"), ("pop3", "starttls", "Pop3"), ("imap", "ssl", "Off"),
        };

        public string Name => "certfleet";

        public string Description => "Test-SocketPort over 200 TLS and STARTTLS end points of nginx mail (-MinimumDaysValid 14) vs openssl s_client per end point";

        public void Run(Report report)
        {
            if (!ExternalProgram.Exists("nginx") || !File.Exists(MailModule) || !ExternalProgram.Exists("openssl"))
            {
                report.Add(Name, "200 end points", double.NaN, "ms", note: "needs nginx, libnginx-mod-mail and openssl");
                return;
            }

            string dir = Path.Combine(Path.GetTempPath(), "pss-certfleet-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                WriteCertificates(dir);
                var endPoints = EndPoints();
                using ExternalProgram nginx = StartNginx(dir, endPoints);
                foreach (var e in endPoints)
                {
                    ExternalProgram.WaitForListener(e.Port, 15000);
                }

                double module = Module(dir, endPoints);
                double openssl = OpenSsl(dir, endPoints);
                report.Add(Name, $"{endPoints.Count} end points (SMTP/IMAP/POP3 STARTTLS, IMAPS), expiry verdict", module, "ms",
                    "openssl s_client, then x509 -checkend, per end point in sequence", openssl, $"module: median of {Runs}, one call, throttle 200; openssl: one pass");
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        private static List<(string Address, int Port, string Protocol, string Tls, string StartTls)> EndPoints()
        {
            var list = new List<(string, int, string, string, string)>();
            for (int i = 0; i < Addresses; i++)
            {
                string address = $"127.0.0.{10 + i}";
                foreach (var kind in Kinds)
                {
                    list.Add((address, FreePort(address), kind.Protocol, kind.Tls, kind.StartTls));
                }
            }

            return list;
        }

        private static int FreePort(string address)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        private static void WriteCertificates(string dir)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=PSSocket Bench CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            using X509Certificate2 leaf = request.Create(ca, now.AddDays(-1), now.AddDays(90), new byte[] { 1, 2, 3, 4 });
            File.WriteAllText(Path.Combine(dir, "root.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "server.pem"), leaf.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "server.key"), key.ExportPkcs8PrivateKeyPem());
        }

        private static ExternalProgram StartNginx(string dir, List<(string Address, int Port, string Protocol, string Tls, string StartTls)> endPoints)
        {
            var config = new StringBuilder();
            config.AppendLine("daemon off; master_process off; user root;");
            config.AppendLine($"pid {dir}/nginx.pid; error_log {dir}/error.log;");
            config.AppendLine($"load_module {MailModule};");
            config.AppendLine("events { worker_connections 4096; }");
            config.AppendLine($"mail {{ server_name mail.bench; auth_http 127.0.0.1:9/auth; ssl_certificate {dir}/server.pem; ssl_certificate_key {dir}/server.key;");
            foreach (var e in endPoints)
            {
                string listen = e.Tls == "ssl" ? $"{e.Address}:{e.Port} ssl" : $"{e.Address}:{e.Port}";
                config.AppendLine($"  server {{ listen {listen}; protocol {e.Protocol}; starttls {(e.Tls == "starttls" ? "on" : "off")}; }}");
            }

            config.AppendLine("}");
            File.WriteAllText(Path.Combine(dir, "nginx.conf"), config.ToString());
            return ExternalProgram.Start($"exec nginx -c {dir}/nginx.conf -p {dir}/ -e {dir}/error.log >{dir}/nginx.out 2>&1 </dev/null");
        }

        private double Module(string dir, List<(string Address, int Port, string Protocol, string Tls, string StartTls)> endPoints)
        {
            using var host = new BenchHost();
            host.SetVariable("rows", endPoints.Select(e =>
            {
                var row = new PSObject();
                row.Properties.Add(new PSNoteProperty("ComputerName", e.Address));
                row.Properties.Add(new PSNoteProperty("Port", e.Port));
                row.Properties.Add(new PSNoteProperty("StartTls", e.StartTls));
                return row;
            }).ToArray());
            host.SetVariable("root", Path.Combine(dir, "root.pem"));
            const string script = "$r = $rows | Test-SocketPort -UseTls -ServerName localhost -TrustedCertificatePath $root -MinimumDaysValid 14 -ThrottleLimit 200 -Timeout 10000";
            var times = new List<double>();
            for (int run = 0; run <= Runs; run++)
            {
                var watch = Stopwatch.StartNew();
                host.Invoke(script);
                double ms = watch.Elapsed.TotalMilliseconds;
                var open = host.Invoke("@($r | Where-Object Status -eq 'Open').Count; @($r | Where-Object Status -ne 'Open' | ForEach-Object { \"$($_.ComputerName):$($_.Port) $($_.Status) $($_.Message)\" })[0]");
                if ((int)open[0].BaseObject != endPoints.Count)
                {
                    throw new InvalidOperationException($"Test-SocketPort found {open[0]} of {endPoints.Count} end points good: {open[1]}");
                }

                if (run > 0)
                {
                    times.Add(ms); // the first run warms up the engine and the JIT
                }
            }

            return Stats.Median(times.ToArray());
        }

        private static double OpenSsl(string dir, List<(string Address, int Port, string Protocol, string Tls, string StartTls)> endPoints)
        {
            var script = new StringBuilder();
            foreach (var e in endPoints)
            {
                string starttls = e.Tls == "starttls" ? $"-starttls {e.Protocol} " : string.Empty;
                script.AppendLine(
                    $"openssl s_client -connect {e.Address}:{e.Port} {starttls}-servername localhost -CAfile {dir}/root.pem -verify_return_error </dev/null 2>/dev/null"
                    + " | openssl x509 -noout -checkend 1209600");
            }

            string path = Path.Combine(dir, "openssl.sh");
            File.WriteAllText(path, script.ToString());
            string output = Path.Combine(dir, "openssl.out");
            var watch = Stopwatch.StartNew();
            using (ExternalProgram run = ExternalProgram.Start($"bash {path} >{output} 2>&1"))
            {
                if (!run.WaitForExit(300_000))
                {
                    throw new TimeoutException("The openssl loop did not finish in 300 s.");
                }
            }

            double ms = watch.Elapsed.TotalMilliseconds;
            int good = File.ReadAllLines(output).Count(l => l.Contains("Certificate will not expire"));
            if (good != endPoints.Count)
            {
                throw new InvalidOperationException($"openssl found {good} of {endPoints.Count} end points good: {File.ReadAllText(output).Substring(0, Math.Min(500, File.ReadAllText(output).Length))}");
            }

            return ms;
        }
    }
}
