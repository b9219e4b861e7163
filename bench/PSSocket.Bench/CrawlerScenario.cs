using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace PSSocket.Bench
{
    /// <summary>
    /// Issue 16's first aim: 200 HTTP/1.0 requests to a local nginx through examples/crawler-select.ps1 at 50 in flight
    /// (one thread, Connect-Socket -NoWait and Wait-Socket), against the same requests one after another through the
    /// cmdlets, and against curl --parallel --parallel-immediate --parallel-max 50 over the same URLs. Each is run three times; the medians count.
    /// Two configurations in the same run: pages as fast as loopback nginx serves them (well under 1 ms, so there is no
    /// latency for concurrency to hide and the cmdlet calls per page are the whole cost), and every page 50 ms late on
    /// the server (echo_sleep, a typical small WAN round trip), which is the latency a crawler exists to hide.
    /// </summary>
    internal sealed class CrawlerScenario : IScenario
    {
        private const int Pages = 200;
        private const int InFlight = 50;
        private const int Runs = 3;
        private const int TimeoutMs = 10_000;

        /// <summary>Server-side delay per page, in milliseconds, one configuration each.</summary>
        private static readonly int[] Delays = { 0, 50 };

        public string Name => "crawler";

        public string Description => "200 pages from local nginx, 0 and 50 ms per page: crawler-select.ps1 at 50 in flight vs one by one vs curl --parallel-immediate --parallel-max 50";

        public void Run(Report report)
        {
            if (!ExternalProgram.Exists("nginx"))
            {
                throw new InvalidOperationException("nginx is not installed (apt-get install nginx).");
            }

            foreach (int delay in Delays)
            {
                string configuration = $"crawler-select.ps1, {Pages} pages, {InFlight} in flight, {delay} ms per page";
                if (delay > 0 && !File.Exists(LocalNginx.EchoModule))
                {
                    report.Add(Name, configuration, double.NaN, "ms", note: "nginx's echo module is not installed (apt-get install libnginx-mod-http-echo)");
                    continue;
                }

                RunConfiguration(report, configuration, delay);
            }
        }

        private void RunConfiguration(Report report, string configuration, int delay)
        {
            using var nginx = new LocalNginx(Pages, delay);
            string prefix = delay > 0 ? LocalNginx.DelayedPrefix : string.Empty;
            string[] paths = Enumerable.Range(1, Pages).Select(i => $"{prefix}/page{i}.html").ToArray();
            using var host = new BenchHost();
            host.SetVariable("port", nginx.Port);
            host.SetVariable("paths", paths);
            host.SetVariable("crawler", Path.Combine(BenchHost.RepoRoot, "examples", "crawler-select.ps1"));

            string crawl = $"$r = & $crawler -ComputerName 127.0.0.1 -Port $port -Path $paths -InFlight {InFlight} -Timeout {TimeoutMs} -PassThru; if (@($r | Where-Object Status -eq 200).Count -ne {Pages}) {{ throw 'crawler: not every page came back' }}";
            string oneByOne = $@"
foreach ($p in $paths) {{
    $s = Connect-Socket 127.0.0.1 $port -Timeout {TimeoutMs}
    $s | Send-SocketData ""GET $p HTTP/1.0`r`nHost: 127.0.0.1`r`n`r`n""
    $reply = $s | Receive-SocketData -ToEnd -AsByteArray -Timeout {TimeoutMs}
    $s | Close-Socket
    if ([System.Text.Encoding]::ASCII.GetString($reply, 0, 12) -ne 'HTTP/1.1 200') {{ throw ""one by one: $p failed"" }}
}}";
            double crawler = Median(() => host.Invoke(crawl));
            double sequential = Median(() => host.Invoke(oneByOne));
            string floor = delay > 0 ? $"; the delays alone: {Pages} x {delay} ms one by one, {(Pages + InFlight - 1) / InFlight} x {delay} ms at {InFlight} in flight" : "; no latency to hide";
            report.Add(Name, configuration, crawler, "ms", "the same one by one through the cmdlets", sequential,
                $"speed-up {sequential / crawler:0.0}x (aim >= 10){floor}");

            if (ExternalProgram.Exists("curl"))
            {
                // --parallel-immediate: without it curl opens one connection first and waits to see whether the other
                // transfers can share it (HTTP/2 multiplexing or reuse); nginx here closes every connection
                // (HTTP/1.1, keepalive_timeout 0), so each delayed page then waits for the one before it: about
                // 11 s for the 50 ms configuration, no faster than one by one.
                string urls = string.Join(" ", paths.Select(p => $"-o /dev/null http://127.0.0.1:{nginx.Port}{p}"));
                double curl = Median(() =>
                {
                    using ExternalProgram run = ExternalProgram.Start($"curl -s --fail --max-time 10 --parallel --parallel-immediate --parallel-max {InFlight} {urls}");
                    if (!run.WaitForExit(60_000) || run.ExitCode != 0)
                    {
                        throw new InvalidOperationException("curl failed or took over a minute.");
                    }
                });
                report.Add(Name, configuration, crawler, "ms", $"curl --parallel --parallel-immediate --parallel-max {InFlight} (process start included)", curl);
            }
            else
            {
                report.Add(Name, "curl --parallel", double.NaN, "ms", note: "curl is not installed (apt-get install curl)");
            }
        }

        private static double Median(Action run)
        {
            run(); // warm-up: JIT, nginx's first files
            return Stats.Median(Enumerable.Range(0, Runs).Select(_ =>
            {
                var watch = Stopwatch.StartNew();
                run();
                return watch.Elapsed.TotalMilliseconds;
            }).ToArray());
        }
    }
}
