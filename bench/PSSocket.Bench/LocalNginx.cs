using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PSSocket.Bench
{
    /// <summary>
    /// nginx on a free loopback port serving small generated pages from a temp folder; Dispose stops it by process id
    /// and removes the folder. /pageN.html answers at once; with a delay, /delayed/pageN.html answers with the same
    /// file after that many milliseconds (nginx's echo module: echo_sleep, then echo_exec to the file), as a server
    /// across a WAN would, without a thread per waiting request.
    /// </summary>
    internal sealed class LocalNginx : IDisposable
    {
        /// <summary>Where Debian's libnginx-mod-http-echo installs the echo module.</summary>
        public const string EchoModule = "/usr/lib/nginx/modules/ngx_http_echo_module.so";

        /// <summary>The path prefix of the delayed pages: /delayed/page1.html is /page1.html after the delay.</summary>
        public const string DelayedPrefix = "/delayed";

        private readonly ExternalProgram _process;
        private readonly string _directory;

        public LocalNginx(int pages, int delayMilliseconds = 0)
        {
            if (delayMilliseconds > 0 && !File.Exists(EchoModule))
            {
                throw new InvalidOperationException($"nginx's echo module is not installed ({EchoModule}; apt-get install libnginx-mod-http-echo).");
            }

            _directory = Path.Combine(Path.GetTempPath(), "pss-bench-nginx-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            string www = Path.Combine(_directory, "www");
            Directory.CreateDirectory(www);
            for (int i = 1; i <= pages; i++)
            {
                File.WriteAllText(Path.Combine(www, $"page{i}.html"), $"<html><body><h1>Page {i}</h1>{new StringBuilder().Insert(0, "lorem ipsum ", i % 50 + 10)}</body></html>");
            }

            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            string user = Environment.UserName == "root" ? "user root;" : string.Empty;
            string echoModule = delayMilliseconds > 0 ? $"load_module {EchoModule};" : string.Empty;
            string delayed = delayMilliseconds > 0
                ? $@"location ~ ^{DelayedPrefix}(/.*)$ {{ echo_sleep {(delayMilliseconds / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}; echo_exec $1; }}"
                : string.Empty;
            File.WriteAllText(Path.Combine(_directory, "nginx.conf"), $@"{echoModule}
daemon off;
master_process off;
{user}
pid {_directory}/nginx.pid;
error_log {_directory}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_timeout 0;
  client_body_temp_path {_directory}/body; proxy_temp_path {_directory}/proxy; fastcgi_temp_path {_directory}/fastcgi;
  uwsgi_temp_path {_directory}/uwsgi; scgi_temp_path {_directory}/scgi;
  server {{ listen 127.0.0.1:{Port}; root {www}; {delayed} }}
}}
");
            _process = ExternalProgram.Start($"exec nginx -c {_directory}/nginx.conf -p {_directory}/ -e {_directory}/error.log");
            ExternalProgram.WaitForListener(Port, 15_000);
        }

        public int Port { get; }

        public void Dispose()
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
