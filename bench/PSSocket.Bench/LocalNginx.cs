using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PSSocket.Bench
{
    /// <summary>nginx on a free loopback port serving small generated pages from a temp folder; Dispose stops it by process id and removes the folder.</summary>
    internal sealed class LocalNginx : IDisposable
    {
        private readonly ExternalProgram _process;
        private readonly string _directory;

        public LocalNginx(int pages)
        {
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
            File.WriteAllText(Path.Combine(_directory, "nginx.conf"), $@"daemon off;
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
  server {{ listen 127.0.0.1:{Port}; root {www}; }}
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
