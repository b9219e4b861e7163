using System;
using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Hosting;
using PSSocket.Relays;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>
    /// The fault parameters New-SocketFault and Set-SocketFault share, checked once, and how they change a
    /// <see cref="RelayFaultSet"/>: only the parameters given change; the others keep their values.
    /// </summary>
    public abstract class SocketFaultCmdlet : SocketCmdlet
    {
        /// <summary>The direction the latency, bandwidth, split, stall, cut and datagram faults apply to.</summary>
        [Parameter]
        public FaultDirection Direction { get; set; } = FaultDirection.Both;

        /// <summary>Milliseconds added before each chunk is handed on; 0 removes it.</summary>
        [Parameter]
        public int Latency { get; set; }

        /// <summary>Up to this many milliseconds more or less than -Latency, at random per chunk.</summary>
        [Parameter]
        public int Jitter { get; set; }

        /// <summary>Bytes per second each connection may pass in the direction; 0 without limit.</summary>
        [Parameter]
        public long BytesPerSecond { get; set; }

        /// <summary>Each write is handed on in pieces of at most this many bytes; 0 leaves writes whole. Not for UDP.</summary>
        [Parameter]
        public int SplitSize { get; set; }

        /// <summary>Holds every byte (and the half-close) until -Stall:$false or Clear-SocketFault lifts the stall.</summary>
        [Parameter]
        public SwitchParameter Stall { get; set; }

        /// <summary>Holds every byte for this many milliseconds from now.</summary>
        [Parameter]
        public int StallDuration { get; set; }

        /// <summary>Resets the connection (SO_LINGER 0, both peers) once this many bytes passed in the direction; -1 never.</summary>
        [Parameter]
        public long ResetAfter { get; set; }

        /// <summary>Closes the connection in order (both peers) once this many bytes passed in the direction; -1 never.</summary>
        [Parameter]
        public long CloseAfter { get; set; }

        /// <summary>UDP: the share of datagrams dropped, 0 to 1.</summary>
        [Parameter]
        public double DropRate { get; set; }

        /// <summary>UDP: the share of datagrams held back and sent after the next one, 0 to 1.</summary>
        [Parameter]
        public double ReorderRate { get; set; }

        /// <summary>Refuses new clients (closed at once, counted as refused); -RefuseConnection:$false serves them again.</summary>
        [Parameter]
        public SwitchParameter RefuseConnection { get; set; }

        /// <summary>Stops the command when a given value is out of range or two given values clash.</summary>
        private protected void CheckFaultValues()
        {
            Enforce(OptionRules.FaultValues, new OptionFacts(this));
            var wrong = new List<string>();
            Check(wrong, nameof(Latency), Latency >= 0, "a number of milliseconds, 0 or more");
            Check(wrong, nameof(Jitter), Jitter >= 0, "a number of milliseconds, 0 or more");
            Check(wrong, nameof(BytesPerSecond), BytesPerSecond >= 0, "0 (no limit) or more");
            Check(wrong, nameof(SplitSize), SplitSize >= 0, "0 (whole writes) or more");
            Check(wrong, nameof(StallDuration), StallDuration >= 0, "a number of milliseconds, 0 or more");
            Check(wrong, nameof(ResetAfter), ResetAfter >= -1, "a number of bytes, or -1 for never");
            Check(wrong, nameof(CloseAfter), CloseAfter >= -1, "a number of bytes, or -1 for never");
            Check(wrong, nameof(DropRate), DropRate >= 0 && DropRate <= 1, "a share from 0 to 1");
            Check(wrong, nameof(ReorderRate), ReorderRate >= 0 && ReorderRate <= 1, "a share from 0 to 1");
            if (wrong.Count > 0)
            {
                ThrowTerminating(new SocketSessionException(ErrorIds.InvalidFaultValue, string.Join(" ", wrong), MyInvocation.BoundParameters));
            }
        }

        /// <summary>Applies the given parameters to <paramref name="faults"/> for the flows <paramref name="scope"/> names.</summary>
        private protected void ApplyTo(RelayFaultSet faults, RelayFaultScope scope)
        {
            if (IsBound(nameof(RefuseConnection)))
            {
                faults.SetRefusesNewConnections(RefuseConnection);
            }

            var change = new List<Action<RelayFaults>>();
            if (IsBound(nameof(Latency))) change.Add(f => f.Latency = TimeSpan.FromMilliseconds(Latency));
            if (IsBound(nameof(Jitter))) change.Add(f => f.Jitter = TimeSpan.FromMilliseconds(Jitter));
            if (IsBound(nameof(BytesPerSecond))) change.Add(f => f.BytesPerSecond = BytesPerSecond);
            if (IsBound(nameof(SplitSize))) change.Add(f => f.SplitSize = SplitSize);
            if (IsBound(nameof(Stall))) change.Add(f => f.Stalled = Stall);
            if (IsBound(nameof(StallDuration)))
            {
                DateTime until = DateTime.UtcNow.AddMilliseconds(StallDuration);
                change.Add(f => f.StalledUntil = until);
            }

            if (IsBound(nameof(ResetAfter))) change.Add(f => f.ResetAfter = ResetAfter);
            if (IsBound(nameof(CloseAfter))) change.Add(f => f.CloseAfter = CloseAfter);
            if (IsBound(nameof(DropRate))) change.Add(f => f.DropRate = DropRate);
            if (IsBound(nameof(ReorderRate))) change.Add(f => f.ReorderRate = ReorderRate);
            if (change.Count > 0)
            {
                faults.Change(DirectionOf(Direction), scope, f => change.ForEach(c => c(f)));
            }
        }

        /// <summary>The fault set of a relay given as the set itself, its listener (as Start-SocketListener wrote it) or its job.</summary>
        internal static RelayFaultSet Resolve(object? input)
        {
            object? value = input is PSObject wrapped ? wrapped.BaseObject : input;
            switch (value)
            {
                case RelayFaultSet set:
                    return set;
                case SocketListenerJob job when RelayFaultRegistry.Find(job.Listener) is RelayFaultSet ofJob:
                    return ofJob;
                case SocketSession listener when RelayFaultRegistry.Find(listener) is RelayFaultSet ofListener:
                    return ofListener;
                default:
                    throw new SocketSessionException(
                        ErrorIds.NoRelayFaults,
                        $"{value ?? "null"} is not a relay: give the listener or job of Start-SocketListener -ForwardTo, or a fault set from New-SocketFault.",
                        value);
            }
        }

        /// <summary>Set-SocketFault and Clear-SocketFault: finds the input's fault set, changes it if ShouldProcess agrees, and writes it with -PassThru.</summary>
        internal static void ChangeFaultsOf(Cmdlet cmdlet, object? input, string action, bool passThru, Action<RelayFaultSet> change)
        {
            RelayFaultSet faults;
            try
            {
                faults = Resolve(input);
            }
            catch (SocketSessionException e)
            {
                cmdlet.WriteError(ErrorRecordFactory.From(e));
                return;
            }

            if (cmdlet.ShouldProcess(faults.ToString(), action))
            {
                change(faults);
            }

            if (passThru)
            {
                cmdlet.WriteObject(faults);
            }
        }

        internal static RelayDirection? DirectionOf(FaultDirection direction) =>
            direction == FaultDirection.Both ? (RelayDirection?)null : direction == FaultDirection.ClientToTarget ? RelayDirection.ClientToTarget : RelayDirection.TargetToClient;

        private void Check(List<string> wrong, string name, bool valid, string expected)
        {
            if (IsBound(name) && !valid)
            {
                wrong.Add($"-{name} {MyInvocation.BoundParameters[name]} is not {expected}.");
            }
        }
    }
}
