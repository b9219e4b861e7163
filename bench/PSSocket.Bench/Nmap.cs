using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    internal static class Nmap
    {
        /// <summary>Runs nmap, bounded in time and killed by its process id if it overruns; returns its output.</summary>
        public static string Run(string commandLine, int limitMs)
        {
            string[] words = commandLine.Split(' ');
            var info = new ProcessStartInfo(words[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string word in words.Skip(1))
            {
                info.ArgumentList.Add(word);
            }

            using Process process = Process.Start(info)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            try
            {
                if (!process.WaitForExit(limitMs))
                {
                    throw new TimeoutException($"'{commandLine}' did not finish in {limitMs} ms.");
                }
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{words[0]}' exited with {process.ExitCode}: {errors.Result}");
            }

            return output.Result;
        }
    }
}
