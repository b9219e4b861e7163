using PSSocket.Errors;

namespace PSSocket.Servers
{
    /// <summary>
    /// Where a background server reports: its job's streams in the module, a list in tests. Servers call it from
    /// their own threads, so an implementation must be thread-safe and must never throw.
    /// </summary>
    internal interface IServerReporter
    {
        void Output(object value);

        void Error(SocketSessionException error);

        void Verbose(string message);
    }

    /// <summary>A reporter that drops everything, for a server nobody watches.</summary>
    internal sealed class NullReporter : IServerReporter
    {
        public static readonly NullReporter Instance = new NullReporter();

        public void Output(object value)
        {
        }

        public void Error(SocketSessionException error)
        {
        }

        public void Verbose(string message)
        {
        }
    }
}
