using PSSocket.Framing;
using PSSocket.Sessions;

namespace PSSocket.Tests.Engine
{
    /// <summary>A receiver reading from a scripted source: the tests hand over the bytes, piece by piece.</summary>
    public abstract class ScriptedReceiverBase
    {
        internal ScriptedSource Source { get; } = new ScriptedSource();

        internal SessionReceiver Receiver { get; }

        protected ScriptedReceiverBase()
        {
            Receiver = new SessionReceiver(Source, _ => { }, "owner");
        }
    }
}
