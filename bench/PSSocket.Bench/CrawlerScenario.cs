using System;
using System.Diagnostics;
using System.Linq;

namespace PSSocket.Bench
{
    /// <summary>
    /// Issue 16's first aim: 200 HTTP/1.0 requests to a local nginx through examples/crawler-select.ps1 at 50 in flight
    /// (one thread, Connect-Socket -NoWait and Wait-Socket), against the same requests one after another through the
    /// cmdlets, and against curl --parallel --parallel-max 50 over the same URLs. Each is run three times; the medians count.
    /// </summary>
    internal sealed class CrawlerScenario : IScenario
    {
        private const int Pages = 200;
        private const int InFlight = 50;
        private const int Runs = 3;

        public string Name => "crawler";

        public string Description => "200 pages from local nginx: crawler-select.ps1 at 50 in flight vs one by one vs curl --parallel-max 50";

        public void Run(Report report)
        {
            if (!ExternalProgram.Exists("nginx"))
            {
                throw new InvalidOperationException("nginx is not installed (apt-get install nginx).");
            }

            using var nginx = new LocalNginx(Pages);
            using var host = new BenchHost();
            host.SetVariable("port", nginx.Port);
            host.SetVariable("paths", Enumerable.Range(1, Pages).Select(i => $"/page{i}.html").ToArray());
            host.SetVariable("crawler", System.IO.Path.Combine(BenchHost.RepoRoot, "examples", "crawler-select.ps1"));

            string crawl = $"$r = & $crawler -ComputerName 127.0.0.1 -Port $port -Path $paths -InFlight {InFlight} -PassThru; if (@($r | Where-Object Status -eq 200).Count -ne {Pages}) {{ throw 'crawler: not every page came back' }}";
            string oneByOne = @"
foreach ($p in $paths) {
    $s = Connect-Socket 127.0.0.1 $port
    $s | Send-SocketData ""GET $p HTTP/1.0`r`nHost: 127.0.0.1`r`n`r`n""
    $reply = $s | Receive-SocketData -ToEnd -AsByteArray
    $s | Close-Socket
    if ([System.Text.Encoding]::ASCII.GetString($reply, 0, 12) -ne 'HTTP/1.1 200') { throw ""one by one: $p failed"" }
}";
            double crawler = Median(() => host.Invoke(crawl));
            double sequential = Median(() => host.Invoke(oneByOne));
            report.Add(Name, $"crawler-select.ps1, {Pages} pages, {InFlight} in flight", crawler, "ms", "the same one by one through the cmdlets", sequential, "aim: reference / value >= 10");

            if (ExternalProgram.Exists("curl"))
            {
                string urls = string.Join(" ", Enumerable.Range(1, Pages).Select(i => $"-o /dev/null http://127.0.0.1:{nginx.Port}/page{i}.html"));
                double curl = Median(() =>
                {
                    using ExternalProgram run = ExternalProgram.Start($"curl -s --fail --parallel --parallel-max {InFlight} {urls}");
                    if (!run.WaitForExit(60_000) || run.ExitCode != 0)
                    {
                        throw new InvalidOperationException("curl failed or took over a minute.");
                    }
                });
                report.Add(Name, $"crawler-select.ps1, {Pages} pages, {InFlight} in flight", crawler, "ms", $"curl --parallel --parallel-max {InFlight} (process start included)", curl);
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
