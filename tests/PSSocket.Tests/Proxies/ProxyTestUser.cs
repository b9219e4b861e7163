using System;
using System.Diagnostics;
using System.Net;

namespace PSSocket.Tests.Proxies
{
    /// <summary>
    /// The system account danted checks SOCKS5 user names and passwords against (its "username" method reads the
    /// system's password database). Created, with its password, only when absent: a system account without a home
    /// or a login shell. Needs root, as CI runs.
    /// </summary>
    public static class ProxyTestUser
    {
        public const string Name = "pssocketproxy";
        public const string Password = "Proxy-Pass-1";

        private static readonly object Gate = new object();

        public static NetworkCredential Credential => new NetworkCredential(Name, Password);

        public static void EnsureExists()
        {
            lock (Gate)
            {
                if (Run("id", null, "-u", Name).ExitCode == 0)
                {
                    return;
                }

                Check(Run("useradd", null, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Name), "useradd");
                Check(Run("chpasswd", $"{Name}:{Password}\n"), "chpasswd");
            }
        }

        private static void Check((int ExitCode, string Errors) result, string what)
        {
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"{what} for the proxy test user {Name} failed ({result.ExitCode}): {result.Errors}");
            }
        }

        private static (int ExitCode, string Errors) Run(string program, string? input, params string[] arguments)
        {
            var info = new ProcessStartInfo(program)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(info)!;
            process.StandardInput.Write(input ?? string.Empty);
            process.StandardInput.Close();
            string errors = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new TimeoutException($"{program} did not finish within 30 s.");
            }

            return (process.ExitCode, errors);
        }
    }
}
