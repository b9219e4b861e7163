using System.Collections.Generic;
using System.Diagnostics;
using System.Net;

namespace PSSocket.Sessions
{
    /// <summary>
    /// What a connect did, for -Verbose: the addresses a name resolved to and each one tried, with its result.
    /// Filled by the connect (one attempt at a time), read on the pipeline thread once it has returned.
    /// </summary>
    internal sealed class ConnectTrace
    {
        private readonly Stopwatch _clock = new Stopwatch();

        public IReadOnlyList<IPAddress> Resolved { get; set; } = new IPAddress[0];

        public List<(IPAddress Address, string Result, double Milliseconds)> Attempts { get; } = new List<(IPAddress, string, double)>();

        internal void Starting() => _clock.Restart();

        internal void Finished(IPAddress address, string result) => Attempts.Add((address, result, _clock.Elapsed.TotalMilliseconds));
    }
}
